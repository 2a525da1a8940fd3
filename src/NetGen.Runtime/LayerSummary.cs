namespace NetGen;

/// <summary>One row of a generated network's <c>Layers</c> table, as the compile-time analysis found it.</summary>
/// <param name="Name">The node's name (<c>conv1</c>, <c>layer1.0.bn1</c>).</param>
/// <param name="Kind">The operation (<c>Conv2D</c>, <c>Dense</c>, ...).</param>
/// <param name="OutputShape">Shape of one output sample, batch excluded: <c>(C, H, W)</c> or <c>(F)</c>.</param>
/// <param name="Params">Parameters (elements), trainable and not, BatchNorm statistics included.</param>
/// <param name="Macs">Multiply-accumulates for one sample.</param>
public readonly record struct LayerSummary(string Name, string Kind, string OutputShape, long Params, long Macs);
