using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace NetGen.Execution;

/// <summary>
/// One call at a time on a generated network instance. Every public member that reads or writes
/// the instance's memory enters the guard first (<c>using var call = CallGuard.Enter(ref _guard, ...)</c>):
/// a call while another thread is inside one throws an <see cref="InvalidOperationException"/>
/// instead of letting two threads share the activation arena and return wrong outputs.
/// </summary>
/// <remarks>
/// The guard holds the managed id of the thread inside a call (0 when none), claimed with one
/// <see cref="Interlocked.CompareExchange(ref int, int, int)"/> and released with a volatile write:
/// no lock and no allocation. A member that calls another guarded member on the same thread
/// (TrainStep calls ComputeGradients, Save calls CopyParameter) finds its own id and goes on
/// without claiming or releasing, so only the outermost call releases. The pool workers of
/// <see cref="ParallelPredict"/> and <see cref="SampleSlices"/> run inside the caller's call
/// through members that do not enter the guard.
/// </remarks>
public struct CallGuard
{
    private int _thread;
    // The member the holding thread runs, for the message only (read without ordering: at worst "another call").
    private string? _member;

    /// <summary>Whether a thread is inside a call now (a snapshot: it may change at once).</summary>
    public readonly bool IsHeld => Volatile.Read(in _thread) != 0;

    /// <summary>
    /// Enters <paramref name="guard"/> for <paramref name="member"/>, or, when this thread already holds it,
    /// joins the call it is in; dispose the result when the member returns.
    /// </summary>
    /// <param name="guard">The instance's guard field.</param>
    /// <param name="network">The network's name, for the message.</param>
    /// <param name="member">The member being entered ("Predict"), for the message.</param>
    /// <exception cref="InvalidOperationException">Another thread is inside a call of the same instance.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Scope Enter(ref CallGuard guard, string network, string member)
    {
        int thread = Environment.CurrentManagedThreadId;
        int holder = Interlocked.CompareExchange(ref guard._thread, thread, 0);
        if (holder == 0)
        {
            guard._member = member;
            return new Scope(ref guard, entered: true);
        }
        if (holder != thread)
        {
            ThrowBusy(network, member, Volatile.Read(ref guard._member));
        }
        return new Scope(ref guard, entered: false);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowBusy(string network, string member, string? running) =>
        throw new InvalidOperationException(
            $"{network}.{member}: this '{network}' instance is already running {running ?? "another call"} on another thread; " +
            "an instance serves one call at a time. Use one instance per thread, or NetGen.Execution.NetworkPool<T> to predict from many threads.");

    /// <summary>A call inside the guard: disposing it releases the guard when this call claimed it.</summary>
    public readonly ref struct Scope
    {
        private readonly ref CallGuard _guard;
        private readonly bool _entered;

        internal Scope(ref CallGuard guard, bool entered)
        {
            _guard = ref guard;
            _entered = entered;
        }

        /// <summary>Releases the guard if this call claimed it (the outermost call of the thread).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Dispose()
        {
            if (_entered)
            {
                _guard._member = null;
                Volatile.Write(ref _guard._thread, 0);
            }
        }
    }
}
