using System.Collections.Generic;
using System.Linq;
using NetGen.Generator.Backends;
using NetGen.Generator.Model;

namespace NetGen.Generator.Analysis;

internal static partial class ScheduleBuilder
{
    /// <summary>The steps of each pass, from the network's places and fusion decisions.</summary>
    private sealed class StepBuilder
    {
        private readonly NetworkIR _network;
        private readonly IReadOnlyList<LayerInfo> _layers;
        private readonly ComputedGraph _graph;
        private readonly NodePlaces[] _places;
        private readonly BackendBuffers _kernels;
        private readonly int _slices;
        private readonly bool[] _hasWeights;
        private readonly bool[] _hasBias;
        /// <summary>Per node, the backend's conv + pool chain it is part of (the first, in node order), or null.</summary>
        private readonly PoolFusion?[] _chainOf;

        public StepBuilder(NetworkIR network, IReadOnlyList<LayerInfo> layers, ComputedGraph graph, NodePlaces[] places,
            EquatableArray<ParameterEntry> parameters, IReadOnlyList<PoolFusion> fusedPools, BackendBuffers kernels, int slices)
        {
            _network = network;
            _layers = layers;
            _graph = graph;
            _places = places;
            _kernels = kernels;
            _slices = slices;
            int count = network.Nodes.Count;
            _hasWeights = new bool[count];
            _hasBias = new bool[count];
            foreach (var p in parameters)
            {
                if (p.Role == ParameterRole.Weight) _hasWeights[p.Node] = true;
                if (p.Role == ParameterRole.Bias) _hasBias[p.Node] = true;
            }
            _chainOf = new PoolFusion?[count];
            foreach (var chain in fusedPools)
                foreach (int n in new[] { chain.Conv, chain.Activation, chain.Pool })
                    if (n >= 0 && _chainOf[n] is null) _chainOf[n] = chain;
        }

        private IEnumerable<int> Computed()
        {
            for (int n = 1; n < _network.Nodes.Count; n++)
                if (_layers[n].Computed) yield return n;
        }

        private Shape InputShape(int n) => _layers[_network.Nodes[n].Inputs[0]].Output;

        /// <summary>The ReLU whose work node p's inference step does in place (p a folded batch norm or a two-input add), or -1.</summary>
        private int FusedReLU(int p)
        {
            var node = _network.Nodes[p];
            bool fuses = node.Op == OpKind.BatchNorm && BatchNormFolding.Target(_graph, p) >= 0
                         || node.Op == OpKind.Add && node.Inputs.Count == 2;
            if (!fuses) return -1;
            int reader = _graph.OnlyReader(p);
            if (reader < 0 || _network.Nodes[reader].Op != OpKind.ReLU) return -1;
            return _places[reader].Inference?.Start == _places[p].Inference?.Start ? reader : -1;
        }

        private ScheduleStep Step(int n, PassKind pass, StepKind kind, int phase, EquatableArray<BufferRef> inputs, BufferRef? output,
            StepEpilogue epilogue) =>
            new(n, _network.Nodes[n].Op, pass, kind, phase, InputShape(n), _layers[n].Output, inputs, output,
                EquatableArray<NullableBufferRef>.Empty, EquatableArray<int>.Empty, epilogue);

        private EquatableArray<BufferRef> Inputs(int n, bool training) =>
            _network.Nodes[n].Inputs.Select(i => (training ? _places[i].Saved : _places[i].Inference) ?? default).ToEquatableArray();

        /// <summary>The node's own epilogue: its bias and fused activation.</summary>
        private StepEpilogue Own(int n) =>
            StepEpilogue.None with { Bias = _hasBias[n], Activation = ExecutionLimits.HasFusedActivation(_network.Nodes[n]) ? _network.Nodes[n].Args.Activation : ActivationKind.None };

        public EquatableArray<ScheduleStep> InferenceForward()
        {
            var steps = new List<ScheduleStep>();
            foreach (int n in Computed())
            {
                var node = _network.Nodes[n];
                var inputs = Inputs(n, false);
                var output = _places[n].Inference;
                int folded = BatchNormFolding.Target(_graph, n);
                if (node.Op == OpKind.BatchNorm && folded >= 0)
                {
                    steps.Add(Step(n, PassKind.InferenceForward, StepKind.FusedAway, 0, inputs, output, StepEpilogue.None with { FusedInto = folded }));
                    continue;
                }
                if (node.Op == OpKind.ReLU && FusedReLU(node.Inputs[0]) == n)
                {
                    steps.Add(Step(n, PassKind.InferenceForward, StepKind.FusedAway, 0, inputs, output, StepEpilogue.None with { FusedInto = node.Inputs[0] }));
                    continue;
                }
                var epilogue = Own(n);
                if (_chainOf[n] is { } chain)
                {
                    if (n != chain.Conv)
                    {
                        steps.Add(Step(n, PassKind.InferenceForward, StepKind.FusedAway, 0, inputs, output,
                            StepEpilogue.None with { FusedInto = chain.Conv, Pool = chain.Pool }));
                        continue;
                    }
                    var activation = chain.Activation >= 0 ? OpNames.ActivationOf(_network.Nodes[chain.Activation]) : node.Args.Activation;
                    steps.Add(Step(n, PassKind.InferenceForward, StepKind.Layer, 0, inputs, _places[chain.Pool].Inference,
                        epilogue with { Activation = activation, ActivationNode = chain.Activation, Pool = chain.Pool }));
                    continue;
                }
                int bn = node.Op is OpKind.Conv2D or OpKind.DepthwiseConv2D ? BatchNormFolding.FoldedInto(_graph, n) : -1;
                if (bn >= 0)
                {
                    int relu = FusedReLU(bn);
                    epilogue = epilogue with { FoldedBatchNorm = bn, FusedReLU = relu, Activation = relu >= 0 ? ActivationKind.ReLU : ActivationKind.None };
                }
                else if (node.Op == OpKind.Add && FusedReLU(n) is var relu and >= 0)
                {
                    epilogue = epilogue with { FusedReLU = relu, Activation = ActivationKind.ReLU };
                }
                steps.Add(Step(n, PassKind.InferenceForward, StepKind.Layer, 0, inputs, output, epilogue));
            }
            return steps.ToEquatableArray();
        }

        /// <summary>
        /// A sliced pass's phases: a batch norm that trains with batch statistics ends a phase (its
        /// partials step) and opens the next with its own step. Unsliced passes have one phase.
        /// </summary>
        private bool EndsPhase(int n) => _slices > 1 && _network.Nodes[n] is { Op: OpKind.BatchNorm, Frozen: false };

        public EquatableArray<ScheduleStep> TrainingForward()
        {
            var steps = new List<ScheduleStep>();
            int phase = 0;
            foreach (int n in Computed())
            {
                var inputs = Inputs(n, true);
                var output = _places[n].Saved;
                if (EndsPhase(n))
                {
                    steps.Add(Step(n, PassKind.TrainingForward, StepKind.SlicePartials, phase, inputs, output, StepEpilogue.None));
                    phase++;
                }
                steps.Add(Step(n, PassKind.TrainingForward, StepKind.Layer, phase, inputs, output, Own(n)));
            }
            return steps.ToEquatableArray();
        }

        public EquatableArray<ScheduleStep> Backward()
        {
            var steps = new List<ScheduleStep>();
            int phase = 0;
            foreach (int n in Computed().Reverse())
            {
                var node = _network.Nodes[n];
                var inputs = Inputs(n, true);
                var gradients = node.Inputs
                    .Select(i => new NullableBufferRef(LayerFacts.NeedsGradient(_network, i)
                        ? _places[i].Gradient ?? new BufferRef(RegionKind.ActivationGradients, -1, 0, 0)
                        : null))
                    .ToEquatableArray();
                var starts = node.Inputs.Distinct()
                    .Where(i => LayerFacts.NeedsGradient(_network, i) && _graph.LastReader(i) == n)
                    .ToEquatableArray();
                var gradient = _places[n].Gradient;
                ScheduleStep At(StepKind kind, StepEpilogue epilogue) =>
                    Step(n, PassKind.Backward, kind, phase, inputs, gradient, epilogue) with { InputGradients = gradients, StartsGradientOf = starts };
                if (EndsPhase(n))
                {
                    steps.Add(At(StepKind.SlicePartials, StepEpilogue.None));
                    phase++;
                }
                steps.Add(At(StepKind.Layer, Own(n)));
            }
            return steps.ToEquatableArray();
        }

        /// <summary>
        /// The packing of every layer with weights (a batch norm's are read as they are). Training, sliced:
        /// each layer's packs in one slice, largest first into the slice with the fewest packed floats so
        /// far; every pack writes its own buffers from the canonical weights, so the split changes no value.
        /// </summary>
        public EquatableArray<ScheduleStep> Pack(bool training)
        {
            var pass = training ? PassKind.TrainingPack : PassKind.InferencePack;
            var steps = new List<ScheduleStep>();
            var packed = _kernels.PackedFloats(training);
            foreach (int n in Computed())
            {
                var node = _network.Nodes[n];
                if (!_hasWeights[n] || node.Op == OpKind.BatchNorm) continue;
                long floats = packed.TryGetValue(n, out long f) ? f : 0;
                var epilogue = Own(n);
                int bn = !training && node.Op is OpKind.Conv2D or OpKind.DepthwiseConv2D ? BatchNormFolding.FoldedInto(_graph, n) : -1;
                if (bn >= 0) epilogue = epilogue with { FoldedBatchNorm = bn };
                steps.Add(Step(n, pass, StepKind.Layer, 0, EquatableArray<BufferRef>.Empty, null, epilogue) with { PackedFloats = floats });
            }
            if (!training || _slices == 1) return steps.ToEquatableArray();
            var slice = new int[steps.Count];
            var load = new long[_slices];
            var order = Enumerable.Range(0, steps.Count).Where(i => steps[i].PackedFloats > 0)
                .OrderByDescending(i => steps[i].PackedFloats).ThenBy(i => steps[i].Node);
            for (int i = 0; i < steps.Count; i++) slice[i] = -1;
            foreach (int i in order)
            {
                int least = 0;
                for (int k = 1; k < _slices; k++)
                    if (load[k] < load[least]) least = k;
                slice[i] = least;
                load[least] += steps[i].PackedFloats;
            }
            return steps.Select((s, i) => s with { RepackSlice = slice[i] }).ToEquatableArray();
        }
    }
}
