namespace NetGen.Generator;

/// <summary>
/// Names of the generator's pipeline steps, so tests can check which steps ran after an
/// edit (<c>Cached</c>/<c>Unchanged</c> versus <c>Modified</c>).
/// </summary>
public static class TrackingNames
{
    // [Network] classes
    public const string AttributeNetworks = nameof(AttributeNetworks);
    public const string AttributeBuilds = nameof(AttributeBuilds);
    public const string AttributeEmit = nameof(AttributeEmit);
    public const string AttributeDiagnostics = nameof(AttributeDiagnostics);

    // .cnn files
    public const string RootNamespace = nameof(RootNamespace);
    public const string CnnSources = nameof(CnnSources);
    public const string CnnFiles = nameof(CnnFiles);
    public const string CnnPaths = nameof(CnnPaths);
    public const string CnnBuilds = nameof(CnnBuilds);
    public const string CnnEmit = nameof(CnnEmit);
    public const string CnnDiagnostics = nameof(CnnDiagnostics);

    // The GPU backend's runtime referenced by the compilation
    public const string GpuBackendReferenced = nameof(GpuBackendReferenced);

    // Classes generated twice
    public const string DuplicateClasses = nameof(DuplicateClasses);
    public const string DuplicateClassNames = nameof(DuplicateClassNames);

    // [NetworkFile] bindings
    public const string BindingSites = nameof(BindingSites);
    public const string Bindings = nameof(Bindings);
    public const string BindingContext = nameof(BindingContext);
    public const string CnnFileNetworks = nameof(CnnFileNetworks);
    public const string BindingDiagnostics = nameof(BindingDiagnostics);
}
