using NetGen.Generator.Model;

namespace NetGen.Cli.Compilation;

/// <summary>Which network of a file to compile, and what the command line changes in it before analysis.</summary>
/// <param name="Path">A .cnn file, or a .cs file with [Network] classes.</param>
/// <param name="NetworkName">The network to pick when the file declares several (its name, or its class name).</param>
/// <param name="Batch">Training batch size (the generated constants' batch); null keeps the declared one.</param>
/// <param name="Optimizer">The optimizer the generated TrainStep runs; null keeps the declared one.</param>
/// <param name="Gpu">Compile with the GPU backend referenced (NetGen.Runtime.Gpu and ILGPU), so the generated class gets its nested Gpu class; a separate cache entry from the CPU-only compile.</param>
/// <param name="Cache">Where compiled assemblies are kept between runs; null: the one the environment names (<see cref="CompileCache.FromEnvironment()"/>).</param>
internal sealed record CompileRequest(string Path, string? NetworkName = null, int? Batch = null, OptimizerKind? Optimizer = null, CompileCache? Cache = null, bool Gpu = false);
