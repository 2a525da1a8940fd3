using System;

namespace NetGen.Kernels;

/// <summary>
/// Argument checks every kernel runs once per call (never per element): a wrong slice of
/// the arena fails here with the kernel, the argument and both sizes named, instead of
/// reading or writing a neighbour's memory.
/// </summary>
internal static class Check
{
    public static void Length(int actual, long expected, string kernel, string argument, string formula)
    {
        if (actual != expected)
        {
            throw new ArgumentException(
                $"{kernel}: '{argument}' has {actual} floats but {formula} = {expected}.", argument);
        }
    }

    public static void AtLeast(int actual, long expected, string kernel, string argument, string formula)
    {
        if (actual < expected)
        {
            throw new ArgumentException(
                $"{kernel}: '{argument}' has {actual} floats but needs at least {formula} = {expected}.", argument);
        }
    }

    public static void Positive(int value, string owner, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"{owner}: {name} must be positive, got {value}.", name);
        }
    }

    public static void NonNegative(int value, string owner, string name)
    {
        if (value < 0)
        {
            throw new ArgumentException($"{owner}: {name} must not be negative, got {value}.", name);
        }
    }

    /// <summary>
    /// The exception for a failed condition; callers write <c>if (!ok) throw Check.Failure(...)</c>
    /// so the message is only formatted on failure and a passing call allocates nothing.
    /// </summary>
    public static ArgumentException Failure(string owner, string message) => new($"{owner}: {message}");
}
