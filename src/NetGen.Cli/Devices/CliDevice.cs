using System.CommandLine;
using NetGen.Cli.Commands;
using NetGen.Execution;

namespace NetGen.Cli.Devices;

/// <summary>
/// What <c>--device</c> asks for: the runtime's <see cref="NetworkDevice"/> choices plus the CLI's
/// <see cref="Simulator"/>, which runs the GPU path without a GPU.
/// </summary>
internal enum CliDevice
{
    Cpu,
    Cuda,
    Auto,
    /// <summary>ILGPU's CPU accelerator: the GPU kernels run by emulated threads on the host; checks the GPU path, very slowly.</summary>
    Simulator,
}

/// <summary>The <c>--device</c> option every command that runs a network takes, and its values' names.</summary>
internal static class DeviceOption
{
    public const string Name = "--device";

    public static Option<CliDevice> Create() => OptionValues.Named(Name,
        "Where the network runs: cpu (default), cuda (the first CUDA GPU; an error when there is none), auto (cuda when present, else cpu), " +
        "or simulator (ILGPU's CPU accelerator: checks the GPU path without a GPU; very slow)",
        "a device", "cpu, cuda or auto", ["cpu", "cuda", "auto", "simulator"], CliDevice.Cpu, TryParse);

    /// <summary>cpu, cuda, auto (as <see cref="NetworkDevices.TryParse"/> reads them) or simulator.</summary>
    public static bool TryParse(string text, out CliDevice device)
    {
        if (text.Trim().Equals("simulator", System.StringComparison.OrdinalIgnoreCase))
        {
            device = CliDevice.Simulator;
            return true;
        }
        bool ok = NetworkDevices.TryParse(text, out var chosen);
        device = chosen switch
        {
            NetworkDevice.Cuda => CliDevice.Cuda,
            NetworkDevice.Auto => CliDevice.Auto,
            _ => CliDevice.Cpu,
        };
        return ok;
    }

    public static string NameOf(CliDevice device) => device switch
    {
        CliDevice.Cuda => "cuda",
        CliDevice.Auto => "auto",
        CliDevice.Simulator => "simulator",
        _ => "cpu",
    };
}
