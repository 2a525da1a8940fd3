namespace NetGen.Weights;

/// <summary>The dtypes the safetensors format defines, and their sizes in bytes.</summary>
internal static class SafetensorsDType
{
    public const string F32 = "F32";

    /// <summary>Bytes per element of <paramref name="dtype"/>, or 0 when the format does not define it.</summary>
    public static int SizeOf(string dtype) => dtype switch
    {
        "BOOL" or "U8" or "I8" or "F8_E5M2" or "F8_E4M3" => 1,
        "I16" or "U16" or "F16" or "BF16" => 2,
        "I32" or "U32" or "F32" => 4,
        "I64" or "U64" or "F64" => 8,
        _ => 0,
    };
}
