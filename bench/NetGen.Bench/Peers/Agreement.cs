using System.Globalization;

namespace NetGen.Bench.Peers;

/// <summary>
/// The check every runtime comparison makes before timing: NetGen's numbers equal the peer's
/// on the same input, to a relative error under 1e-4. The error is max |netgen - peer| over
/// max |peer| (the infinity norm of the difference relative to the peer's), which stays
/// meaningful for the near-zero entries a per-element ratio would blow up.
/// </summary>
public static class Agreement
{
    /// <summary>The largest relative error a comparison accepts.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>max |a - b| / max |b|; 0 when both are all zeros.</summary>
    public static double RelativeError(ReadOnlySpan<float> netgen, ReadOnlySpan<float> peer)
    {
        if (netgen.Length != peer.Length)
            throw new InvalidOperationException($"NetGen gave {netgen.Length} values, the peer {peer.Length}.");
        double difference = 0, scale = 0;
        for (int i = 0; i < peer.Length; i++)
        {
            difference = Math.Max(difference, Math.Abs((double)netgen[i] - peer[i]));
            scale = Math.Max(scale, Math.Abs((double)peer[i]));
        }
        return scale == 0 ? difference : difference / scale;
    }

    /// <summary>Throws, naming what was compared and the worst element, when the relative error is not under <see cref="Tolerance"/>.</summary>
    public static void Require(string what, ReadOnlySpan<float> netgen, ReadOnlySpan<float> peer)
    {
        double error = RelativeError(netgen, peer);
        if (error < Tolerance && !double.IsNaN(error)) return;
        int worst = 0;
        for (int i = 1; i < peer.Length; i++)
        {
            if (Math.Abs(netgen[i] - peer[i]) > Math.Abs(netgen[worst] - peer[worst])) worst = i;
        }
        throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
            $"{what}: NetGen and the peer disagree, relative error {error:E2} (limit {Tolerance:E0}); worst at [{worst}]: NetGen {netgen[worst]:G9}, peer {peer[worst]:G9}."));
    }
}
