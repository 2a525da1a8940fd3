using System;

namespace NetGen.Execution;

/// <summary>
/// Where a generated network runs: the choice an app or the CLI's <c>--device</c> makes. The CPU is the
/// default and needs nothing else; CUDA needs the GPU backend's assembly (NetGen.Runtime.Gpu, package
/// NetGen.Gpu) referenced by the project, so that the generator writes the network's GPU class.
/// </summary>
public enum NetworkDevice
{
    /// <summary>The CPU backend (vectorised, multi-core kernels): always available.</summary>
    Cpu,
    /// <summary>The first CUDA GPU; a clear error when none is present or the GPU backend is not referenced.</summary>
    Cuda,
    /// <summary>CUDA when a CUDA GPU is present and the GPU backend is referenced, else the CPU.</summary>
    Auto,
}

/// <summary>Parsing and naming of <see cref="NetworkDevice"/> values as the CLI and apps write them.</summary>
public static class NetworkDevices
{
    /// <summary>The value's name as written on a command line: cpu, cuda or auto.</summary>
    public static string Name(NetworkDevice device) => device switch
    {
        NetworkDevice.Cpu => "cpu",
        NetworkDevice.Cuda => "cuda",
        NetworkDevice.Auto => "auto",
        _ => throw new ArgumentOutOfRangeException(nameof(device), device, "Not a NetworkDevice value."),
    };

    /// <summary>Reads cpu, cuda or auto (any case); false for anything else.</summary>
    public static bool TryParse(string? text, out NetworkDevice device)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "cpu": device = NetworkDevice.Cpu; return true;
            case "cuda": device = NetworkDevice.Cuda; return true;
            case "auto": device = NetworkDevice.Auto; return true;
            default: device = NetworkDevice.Cpu; return false;
        }
    }
}
