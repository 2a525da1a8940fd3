using System;

namespace NetGen;

/// <summary>
/// What every layer attribute has. Layer attributes go on a <see cref="NetworkAttribute"/>
/// class and apply in source order, each taking the previous layer's output.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public abstract class LayerAttribute : Attribute
{
    /// <summary>
    /// The node's name, used by weight files (<c>conv1.weight</c>). When left out the layer is
    /// named <c>{kind}_{n}</c>, counting from 1 for each kind (<c>conv2d_1</c>, <c>dense_2</c>).
    /// </summary>
    public string? Name { get; set; }

    /// <summary>The layer's parameters are not trained: they count as non-trainable and get no gradient or optimizer state.</summary>
    public bool Frozen { get; set; }
}
