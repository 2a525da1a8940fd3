using System;

namespace NetGen.Weights;

/// <summary>A float32 tensor to write: its name, shape (outermost first) and row-major data.</summary>
public readonly record struct NamedTensor(string Name, int[] Shape, ReadOnlyMemory<float> Data);

/// <summary>
/// Where a loaded tensor goes: its expected name and shape, and the caller's buffer (e.g. a
/// slice of the network's parameter arena) of exactly product(shape) floats.
/// </summary>
public readonly record struct TensorTarget(string Name, int[] Shape, Memory<float> Destination);
