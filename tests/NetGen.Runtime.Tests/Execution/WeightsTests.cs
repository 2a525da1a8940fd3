using NetGen.Execution;
using NetGen.Weights;
using Xunit;

namespace NetGen.Runtime.Tests.Execution;

/// <summary>Save and Load through safetensors: PyTorch names, shapes and layouts; every mismatch reported.</summary>
public class WeightsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("netgen-weights-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Saved_weights_load_into_another_instance_and_predict_the_same()
    {
        var a = new MixedNet(1);
        Cases.RandomizeBiases(a, 9);
        string path = Path.Combine(_folder, "mixed.safetensors");
        a.Save(path);
        var b = new MixedNet(2, ExecutionMode.Training);
        b.Load(path);

        var input = Cases.Random(3 * 9 * 7, 4);
        float[] ya = new float[4], yb = new float[4];
        a.Predict(input, ya);
        b.Predict(input, yb);
        Assert.Equal(ya, yb);
    }

    [Fact]
    public void Save_replaces_the_file_by_a_rename_and_a_failed_save_leaves_no_temporary_file()
    {
        string path = Path.Combine(_folder, "mixed.safetensors");
        new MixedNet(1).Save(path);
        byte[] first = File.ReadAllBytes(path);
        using (var reader = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            new MixedNet(2).Save(path);

            // The open handle still reads the first file: the second is a new file renamed over
            // it, not the first rewritten in place.
            var seen = new byte[first.Length];
            reader.ReadExactly(seen);
            Assert.Equal(first, seen);
        }
        Assert.NotEqual(first, File.ReadAllBytes(path));

        // A folder where the file should go: the weights are written, the rename fails.
        string taken = Path.Combine(_folder, "taken.safetensors");
        Directory.CreateDirectory(taken);
        Assert.ThrowsAny<IOException>(() => new MixedNet(3).Save(taken));
        Assert.Equal(["mixed.safetensors"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void File_holds_pytorch_names_shapes_and_the_channels_first_flatten_order()
    {
        var net = new MixedNet(3);
        string path = Path.Combine(_folder, "mixed.safetensors");
        net.Save(path);
        var expected = new Dictionary<string, int[]>
        {
            ["conv1.weight"] = new[] { 6, 3, 3, 3 }, ["conv1.bias"] = new[] { 6 },
            ["dw.weight"] = new[] { 6, 1, 3, 3 }, ["dw.bias"] = new[] { 6 },
            ["fc1.weight"] = new[] { 7, 12 }, ["fc1.bias"] = new[] { 7 },
            ["fc2.weight"] = new[] { 4, 7 }, ["fc2.bias"] = new[] { 4 },
        };
        var loaded = Safetensors.Load(path, expected);

        // fc1 follows a flatten of (6, 2, 1): column c*2 + h in the file is column h*6 + c inside.
        var inside = new float[7 * 12];
        net.CopyParameter("fc1.weight", inside);
        Assert.Equal(inside, loaded["fc1.weight"]);
        var reference = Cases.Reference("Mixed");
        var p = Cases.Parameters(net);
        var x = Cases.Random(3 * 9 * 7, 5);
        var y = new float[4];
        net.Predict(x, y);
        PredictTests.AssertClose(reference.Forward(p, Array.ConvertAll(x, v => (double)v)), y, "reference with the file's layout");
    }

    [Fact]
    public void Load_lists_every_mismatch_and_changes_nothing()
    {
        string path = Path.Combine(_folder, "tiny.safetensors");
        Safetensors.Write(path, new[]
        {
            new NamedTensor("conv1.weight", new[] { 4, 1, 3, 3 }, new float[36]),
            new NamedTensor("conv1.bias", new[] { 5 }, new float[5]),
            new NamedTensor("extra", new[] { 1 }, new float[1]),
        });
        var net = new TinyNet(1);
        var before = Cases.Parameters(net);
        var error = Assert.Throws<WeightMismatchException>(() => net.Load(path));
        Assert.Contains(error.Differences, d => d.Contains("conv1.bias"));
        Assert.Contains(error.Differences, d => d.Contains("extra"));
        Assert.Contains(error.Differences, d => d.Contains("dense_1.weight"));
        Assert.Contains(error.Differences, d => d.Contains("dense_1.bias"));
        var after = Cases.Parameters(net);
        foreach (var key in before.Keys) Assert.Equal(before[key], after[key]);
    }

    [Fact]
    public void Load_refuses_a_nan_or_infinity_naming_the_tensor_and_index_and_changes_nothing()
    {
        var source = new MixedNet(1);
        string path = Path.Combine(_folder, "diverged.safetensors");
        var weight = new float[7 * 12];
        source.CopyParameter("fc1.weight", weight);
        weight[5] = float.NaN;
        weight[40] = float.PositiveInfinity;
        source.SetParameter("fc1.weight", weight);
        source.Save(path);
        var net = new MixedNet(2);
        var before = Cases.Parameters(net);

        var error = Assert.Throws<NonFiniteWeightException>(() => net.Load(path));

        Assert.Equal("fc1.weight", error.TensorName);
        Assert.Equal(5, error.Index);
        Assert.True(float.IsNaN(error.Value));
        Assert.Equal(2, error.Count);
        Assert.StartsWith($"{path}: tensor 'fc1.weight': NaN at index 5 (the first of 2 non-finite values)", error.Message);
        var after = Cases.Parameters(net);
        foreach (var key in before.Keys) Assert.Equal(before[key], after[key]);
    }

    [Fact]
    public void Load_with_allowNonFinite_takes_the_values_as_they_are()
    {
        var source = new MixedNet(1);
        string path = Path.Combine(_folder, "diverged.safetensors");
        var bias = new float[4];
        bias[3] = float.NegativeInfinity;
        source.SetParameter("fc2.bias", bias);
        source.Save(path);
        var net = new MixedNet(2);

        NetworkWeights.Load(net, path, allowNonFinite: true);

        var loaded = new float[4];
        net.CopyParameter("fc2.bias", loaded);
        Assert.Equal(bias, loaded);
    }
}
