namespace Tests;

/// <summary>Locates the repository root and ../shared from the test binaries.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    public static string Case(string name) => Path.Combine(Root, "Cases", name);

    static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Continuation.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Continuation.sln not found above " + AppContext.BaseDirectory);
    }
}
