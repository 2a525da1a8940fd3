using ILGPU;

namespace NetGen.Gpu;

/// <summary>
/// A row-major matrix, or its transpose: element (row, col) is
/// Data[batch * BatchStride + row * Ld + col], or with Transposed = 1
/// Data[batch * BatchStride + col * Ld + row].
/// </summary>
public struct MatrixOperand : IGemmOperand
{
    /// <summary>The memory.</summary>
    public ArrayView<float> Data;
    /// <summary>Floats between rows of the stored matrix.</summary>
    public int Ld;
    /// <summary>Floats between batch slices.</summary>
    public int BatchStride;
    /// <summary>1 when the stored matrix is the transpose of the operand, else 0 (an int: kernel arguments must be blittable).</summary>
    public int Transposed;

    /// <summary>A matrix of <paramref name="ld"/> floats a stored row.</summary>
    public MatrixOperand(ArrayView<float> data, int ld, bool transposed = false, int batchStride = 0)
    {
        Data = data;
        Ld = ld;
        Transposed = transposed ? 1 : 0;
        BatchStride = batchStride;
    }

    /// <inheritdoc/>
    public readonly float Load(int batch, int row, int col) =>
        Transposed != 0 ? Data[batch * BatchStride + col * Ld + row] : Data[batch * BatchStride + row * Ld + col];

    /// <inheritdoc/>
    public readonly bool ColumnsContiguous => Transposed == 0;
}
