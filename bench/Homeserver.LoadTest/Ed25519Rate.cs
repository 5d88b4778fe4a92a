using System.Diagnostics;
using NSec.Cryptography;

namespace Homeserver.LoadTest;

/// <summary>
/// ed25519 signatures and verifications per second with NSec on one thread, over a 600-byte
/// message (the size of a typical signed event's canonical JSON): the cost floor of federation.
/// </summary>
public static class Ed25519Rate
{
    public static (double SignsPerSecond, double VerifiesPerSecond) Measure(TimeSpan duration)
    {
        var algorithm = SignatureAlgorithm.Ed25519;
        using var key = Key.Create(algorithm);
        var data = new byte[600];
        Random.Shared.NextBytes(data);
        var signature = algorithm.Sign(key, data);
        // Warm-up, so the timed loops do not include JIT compilation.
        for (var i = 0; i < 100; i++)
            algorithm.Verify(key.PublicKey, data, signature);

        var signs = Rate(duration, () => algorithm.Sign(key, data));
        var verifies = Rate(duration, () =>
        {
            if (!algorithm.Verify(key.PublicKey, data, signature))
                throw new InvalidOperationException("ed25519 verification of a fresh signature failed.");
        });
        return (signs, verifies);
    }

    private static double Rate(TimeSpan duration, Action operation)
    {
        var watch = Stopwatch.StartNew();
        long count = 0;
        while (watch.Elapsed < duration)
        {
            for (var i = 0; i < 100; i++)
                operation();
            count += 100;
        }
        return count / watch.Elapsed.TotalSeconds;
    }
}
