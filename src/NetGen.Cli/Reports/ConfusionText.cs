using System;
using System.Globalization;
using System.IO;
using System.Linq;
using NetGen.Cli.Training;

namespace NetGen.Cli.Reports;

/// <summary>What `netgen eval` prints: overall accuracy and loss, accuracy per class, and the confusion matrix (rows true, columns predicted).</summary>
internal static class ConfusionText
{
    public static void Write(TextWriter output, EvaluationResult result, Func<int, string> className)
    {
        var c = result.Confusion;
        int k = c.GetLength(0);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Accuracy: {100 * result.Accuracy:0.00}% ({result.Correct:N0} / {result.Count:N0})  loss {result.Loss:0.0000}"));
        output.WriteLine();

        var names = Enumerable.Range(0, k).Select(className).ToArray();
        int nameWidth = Math.Max(5, names.Max(n => n.Length));
        output.WriteLine("Per class:");
        output.WriteLine($"  {"class".PadRight(nameWidth)}  {"accuracy",8}  {"correct",7}  {"samples",7}");
        for (int i = 0; i < k; i++)
        {
            int total = Enumerable.Range(0, k).Sum(j => c[i, j]);
            string accuracy = total == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * c[i, i] / total:0.00}%");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {names[i].PadRight(nameWidth)}  {accuracy,8}  {c[i, i],7}  {total,7}"));
        }
        output.WriteLine();

        int cell = Math.Max(names.Max(n => n.Length), Enumerable.Range(0, k).Max(i => Enumerable.Range(0, k).Max(j => c[i, j])).ToString(CultureInfo.InvariantCulture).Length) + 1;
        output.WriteLine("Confusion matrix (rows: true class, columns: predicted):");
        output.WriteLine("  " + "".PadRight(nameWidth) + string.Concat(names.Select(n => n.PadLeft(cell))));
        for (int i = 0; i < k; i++)
        {
            output.WriteLine("  " + names[i].PadRight(nameWidth) +
                string.Concat(Enumerable.Range(0, k).Select(j => c[i, j].ToString(CultureInfo.InvariantCulture).PadLeft(cell))));
        }
    }
}
