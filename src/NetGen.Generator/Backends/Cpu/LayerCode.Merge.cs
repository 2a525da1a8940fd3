using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Analysis;
using NetGen.Generator.Emit;
using NetGen.Generator.Emit.Execution;
using NetGen.Generator.Model;
using static NetGen.Generator.Emit.CSharp;

namespace NetGen.Generator.Backends.Cpu;

/// <summary>
/// The joins: Add of any number of equal-shape inputs (with a following ReLU fused at
/// inference, where the add of the first two splits over the pool: NetGen.Execution.LayerBands),
/// and Multiply of two inputs, equal shapes or a (C) / (C, 1, 1) gate scaling every
/// channel of a (C, H, W) input (squeeze-and-excitation). Every input is read, a repeated input
/// once per occurrence; an input's gradient is started (zeroed or copied) once, by its last reader.
/// </summary>
internal sealed partial class LayerCode
{
    private void AddForward(IndentedWriter w, int n, bool training)
    {
        var inputs = Network.Nodes[n].Inputs;
        string Y = Out(n, training);
        if (inputs.Count == 1)
        {
            w.Line($"{In(inputs[0], training)}.CopyTo({Y});");
            return;
        }
        // At inference through LayerBands, which splits a large add over the forward's pool (bands).
        if (!training && _step.Epilogue.FusedReLU >= 0)
        {
            w.Line($"{BandMembers.Type}.AddReLU(bands, {Y}, {In(inputs[0], false)}, {In(inputs[1], false)});");
            return;
        }
        w.Line(training
            ? $"{Kernels}Elementwise.Add({Y}, {In(inputs[0], true)}, {In(inputs[1], true)});"
            : $"{BandMembers.Type}.Add(bands, {Y}, {In(inputs[0], false)}, {In(inputs[1], false)});");
        for (int j = 2; j < inputs.Count; j++)
            w.Line($"global::NetGen.Execution.ExecutionOps.AddInto({Y}, {In(inputs[j], training)});");
    }

    /// <summary>dX += dY for each occurrence of each input; the last reader copies instead of zeroing and adding.</summary>
    private void AddBackward(IndentedWriter w, int n)
    {
        var inputs = Network.Nodes[n].Inputs.AsImmutableArray();
        string dY = Grad(n);
        foreach (int input in inputs.Distinct())
        {
            if (!NeedsDx(input)) continue;
            int times = inputs.Count(i => i == input);
            if (StartsGradient(input))
            {
                w.Line($"{dY}.CopyTo({Grad(input)});");
                times--;
            }
            for (int t = 0; t < times; t++)
                w.Line($"{Kernels}Elementwise.AccumulateGradient({Grad(input)}, {dY});");
        }
    }

    private void MultiplyForward(IndentedWriter w, int n, bool training)
    {
        var (full, gate) = MultiplyInputs(n);
        string Y = Out(n, training);
        if (gate < 0)
        {
            var inputs = Network.Nodes[n].Inputs;
            w.Line($"{Kernels}Elementwise.Multiply({Y}, {In(inputs[0], training)}, {In(inputs[1], training)});");
            return;
        }
        var y = _layout.OutputShape(n);
        w.Line($"{Kernels}Elementwise.Gate({Y}, {In(full, training)}, {In(gate, training)}, {(training ? "n" : "1")}, " +
               $"{Number(y.Elements / y.C)}, {y.C});");
    }

    private void MultiplyBackward(IndentedWriter w, int n)
    {
        var inputs = Network.Nodes[n].Inputs;
        var needs = new HashSet<int>();
        foreach (int input in inputs)
        {
            if (!NeedsDx(input) || !needs.Add(input)) continue;
            StartGradient(w, input, n);
        }
        string dY = Grad(n);
        var (full, gate) = MultiplyInputs(n);
        if (gate < 0)
        {
            int a = inputs[0], b = inputs[1];
            if (needs.Contains(a)) w.Line($"{Kernels}Elementwise.MultiplyBackwardInput({Grad(a)}, {dY}, {In(b, true)});");
            if (needs.Contains(b)) w.Line($"{Kernels}Elementwise.MultiplyBackwardInput({Grad(b)}, {dY}, {In(a, true)});");
            return;
        }
        var y = _layout.OutputShape(n);
        string dims = $"n, {Number(y.Elements / y.C)}, {y.C}";
        if (needs.Contains(full)) w.Line($"{Kernels}Elementwise.GateBackwardData({Grad(full)}, {dY}, {In(gate, true)}, {dims});");
        if (needs.Contains(gate)) w.Line($"{Kernels}Elementwise.GateBackwardGate({Grad(gate)}, {dY}, {In(full, true)}, {dims});");
    }

    /// <summary>(the full-size input, the gate) of a two-input Multiply; gate -1 when both have the output's size.</summary>
    private (int Full, int Gate) MultiplyInputs(int n)
    {
        var inputs = Network.Nodes[n].Inputs;
        long elements = _layout.OutputShape(n).Elements;
        int a = inputs[0], b = inputs[1];
        bool aFull = _layout.OutputShape(a).Elements == elements, bFull = _layout.OutputShape(b).Elements == elements;
        if (aFull && bFull) return (a, -1);
        return aFull ? (a, b) : (b, a);
    }
}
