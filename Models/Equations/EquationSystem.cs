using System.Runtime.InteropServices;
using Continuation.Systems;

namespace Models.Equations;

/// <summary>
/// An ODE system written as equations (a case file's <c>model:</c> mapping): parsed, checked,
/// differentiated symbolically and compiled to IL. f, ∂f/∂u, every column ∂f/∂p_k and the
/// second and third directional derivatives (for the normal-form coefficients at Hopf points)
/// are exact (no finite differences) and cost about what hand-written C# costs.
/// </summary>
/// <remarks>
/// Thread-safe and allocation-free: each call runs a pure compiled kernel over byrefs to the
/// caller's spans (<see cref="KernelCompiler"/>). The Jacobian entries are the simplified
/// symbolic derivatives (<see cref="Differentiator"/>, <see cref="Simplifier"/>) of the right-hand
/// sides with constants and definitions substituted.
/// </remarks>
public class EquationSystem : OdeSystem
{
    readonly string _name;
    readonly string? _timeUnit;
    readonly IReadOnlyList<string> _states;
    readonly IReadOnlyList<Parameter> _parameters;
    readonly int _n, _np;
    readonly Kernel _f, _jacobian;
    readonly Kernel[] _parameterColumns;
    readonly Lazy<Kernel>[] _definitions;
    readonly Expr[] _jacobianEntries;
    readonly Expr[][] _parameterEntries;
    readonly Lazy<(DirectionalKernel Second, DirectionalKernel Third)> _higher;
    readonly Func<string, Slot> _slots;

    private protected EquationSystem(EquationModelDefinition definition, ResolvedModel model)
    {
        _name = definition.Name;
        _timeUnit = definition.TimeUnit;
        _states = model.States;
        _parameters = model.Parameters.Select(p => new Parameter(p.Name, p.Value)).ToList();
        _n = _states.Count;
        _np = _parameters.Count;
        RightHandSides = model.RightHandSides;
        DefinitionNames = model.DefinitionNames;
        Definitions = model.Definitions;

        var slots = new Dictionary<string, Slot>();
        for (int i = 0; i < _n; i++) slots[_states[i]] = Slot.State(i);
        for (int k = 0; k < _np; k++) slots[_parameters[k].Name] = Slot.Parameter(k);
        for (int j = 0; j < _n; j++) slots[DirectionName(j)] = Slot.Direction(j);
        Slot Resolve(string name) => slots[name];
        _slots = Resolve;

        // Only the names that occur in a right-hand side give nonzero derivatives.
        var names = RightHandSides.Select(Differentiator.Names).ToArray();
        Expr Derivative(int i, string variable)
            => names[i].Contains(variable) ? Differentiator.DifferentiateSimplified(RightHandSides[i], variable) : Expr.Zero;
        _jacobianEntries = new Expr[_n * _n];
        for (int i = 0; i < _n; i++)
            for (int j = 0; j < _n; j++)
                _jacobianEntries[i * _n + j] = Derivative(i, _states[j]);
        _parameterEntries = new Expr[_np][];
        for (int k = 0; k < _np; k++)
            _parameterEntries[k] = Enumerable.Range(0, _n).Select(i => Derivative(i, _parameters[k].Name)).ToArray();

        string id = Sanitize(_name);
        _f = KernelCompiler.Compile($"{id}_f", RightHandSides, Resolve);
        _jacobian = KernelCompiler.Compile($"{id}_dfdu", _jacobianEntries, Resolve);
        _parameterColumns = Enumerable.Range(0, _np)
            .Select(k => KernelCompiler.Compile($"{id}_dfd_{_parameters[k].Name}", _parameterEntries[k], Resolve)).ToArray();
        // Definitions are compiled when first asked for (as outputs): a model may have many, each over those above it.
        _definitions = Definitions.Select((d, i) => new Lazy<Kernel>(() => OnLargeStack(() =>
        {
            var kernel = KernelCompiler.Compile($"{id}_{DefinitionNames[i]}", [d], Resolve);
            var zeros = new double[Math.Max(_n, _np)];
            double value = 0;
            kernel(ref zeros[0], ref zeros[0], ref value);
            return kernel;
        }), LazyThreadSafetyMode.ExecutionAndPublication)).ToArray();
        // Needed only for normal-form coefficients (Hopf points): built on first use.
        _higher = new(() => OnLargeStack(() =>
        {
            var second = SecondDirectionalDerivatives;
            var kernels = (Second: KernelCompiler.CompileDirectional($"{id}_d2f", second, _slots),
                           Third: KernelCompiler.CompileDirectional($"{id}_d3f", second.Select(Directional).ToArray(), _slots));
            var zeros = new double[Math.Max(_n, _np)];
            var result = new double[_n];
            kernels.Second(ref zeros[0], ref zeros[0], ref zeros[0], ref result[0]);
            kernels.Third(ref zeros[0], ref zeros[0], ref zeros[0], ref result[0]);
            return kernels;
        }), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Name of component j of the direction x in directional derivatives (not a valid name of the language, so it cannot clash).</summary>
    static string DirectionName(int j) => $"#x{j}";

    /// <summary>Σ_j ∂e/∂u_j · x_j, simplified: the derivative of e along the direction x.</summary>
    Expr Directional(Expr e)
    {
        Expr sum = Expr.Zero;
        var names = Differentiator.Names(e);
        for (int j = 0; j < _n; j++)
        {
            if (!names.Contains(_states[j])) continue;
            var d = Differentiator.DifferentiateSimplified(e, _states[j]);
            if (d is Num { Value: 0 }) continue;
            sum = Simplifier.Combine(BinaryOperator.Add, sum, Simplifier.Combine(BinaryOperator.Multiply, d, new Sym(DirectionName(j))));
        }
        return sum;
    }

    /// <summary>d²/dt² f_i(u + t x) at t = 0 as expressions in u, p and the direction x (<c>#x0</c>, <c>#x1</c>, …).</summary>
    public IReadOnlyList<Expr> SecondDirectionalDerivatives
    {
        get
        {
            var first = new Expr[_n];
            for (int i = 0; i < _n; i++)
            {
                Expr sum = Expr.Zero;
                for (int j = 0; j < _n; j++)
                {
                    var d = _jacobianEntries[i * _n + j];
                    if (d is Num { Value: 0 }) continue;
                    sum = Simplifier.Combine(BinaryOperator.Add, sum, Simplifier.Combine(BinaryOperator.Multiply, d, new Sym(DirectionName(j))));
                }
                first[i] = sum;
            }
            return first.Select(Directional).ToArray();
        }
    }

    /// <summary>Checks, differentiates and compiles a model written as equations.</summary>
    /// <exception cref="EquationModelException">A problem in the model, with its source line and a message naming the spot.</exception>
    public static EquationSystem Create(EquationModelDefinition definition)
        => OnLargeStack(() =>
        {
            var resolved = ModelResolver.Resolve(definition);
            var system = definition.Coupling is null ? new EquationSystem(definition, resolved) : new CoupledEquationSystem(definition, resolved);
            system.CompileNow();
            return system;
        });

    /// <summary>
    /// Stack for the symbolic work (resolution, simplification, differentiation, IL emission and
    /// the JIT's compilation of the kernels), which recurses as deep as the expressions nest: up to
    /// <see cref="ModelResolver.MaxDepth"/>, and a small factor more in derivatives. Reserved, not committed.
    /// </summary>
    const int SymbolicStackBytes = 256 << 20;

    /// <summary>Runs <paramref name="work"/> on a thread with a <see cref="SymbolicStackBytes"/> stack and returns its result (or rethrows its exception).</summary>
    static T OnLargeStack<T>(Func<T> work)
    {
        T result = default!;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try { result = work(); }
            catch (Exception e) { error = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e); }
        }, SymbolicStackBytes) { Name = "equation model", IsBackground = true };
        thread.Start();
        thread.Join();
        error?.Throw();
        return result;
    }

    /// <summary>Calls every kernel once (at zero), so that the JIT compiles them here, on the large stack, and not on the caller's first use.</summary>
    private protected virtual void CompileNow()
    {
        var u = new double[_n];
        var p = new double[_np];
        var out_ = new double[Math.Max(_n * _n, 1)];
        Evaluate(u, p, out_.AsSpan(0, _n));
        StateJacobian(u, p, out_);
        for (int k = 0; k < _np; k++) ParameterJacobian(u, p, k, out_.AsSpan(0, _n));
    }

    static string Sanitize(string name) => new(name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    /// <inheritdoc/>
    public override string Name => _name;

    /// <inheritdoc/>
    public override string Description => $"written as equations ({_n} state{(_n == 1 ? "" : "s")}, {_np} parameter{(_np == 1 ? "" : "s")}); exact compiled Jacobians";

    /// <inheritdoc/>
    public override IReadOnlyList<string> StateNames => _states;

    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc/>
    public override string? TimeUnit => _timeUnit;

    /// <summary>The right-hand sides over states and parameters (constants and definitions substituted), simplified.</summary>
    public IReadOnlyList<Expr> RightHandSides { get; }

    /// <summary>Names of the intermediate definitions (<c>where:</c>), usable as outputs.</summary>
    public IReadOnlyList<string> DefinitionNames { get; }

    /// <summary>The definitions over states and parameters, in the order of <see cref="DefinitionNames"/>.</summary>
    public IReadOnlyList<Expr> Definitions { get; }

    /// <summary>∂f_i/∂u_j as the simplified expression that is compiled.</summary>
    public Expr StateJacobianEntry(int i, int j) => _jacobianEntries[i * _n + j];

    /// <summary>∂f_i/∂p_k as the simplified expression that is compiled.</summary>
    public Expr ParameterJacobianEntry(int i, int k) => _parameterEntries[k][i];

    /// <summary>Index of a definition by name, or −1.</summary>
    public int DefinitionIndex(string name)
    {
        for (int i = 0; i < DefinitionNames.Count; i++) if (DefinitionNames[i] == name) return i;
        return -1;
    }

    /// <inheritdoc/>
    public override bool HasStateJacobian => true;

    /// <inheritdoc/>
    public override bool HasParameterJacobian => true;

    /// <inheritdoc/>
    public override void Evaluate(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> du)
    {
        Check(u, p, du.Length, _n);
        _f(ref MemoryMarshal.GetReference(u), ref MemoryMarshal.GetReference(p), ref MemoryMarshal.GetReference(du));
    }

    /// <inheritdoc/>
    public override void StateJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> jac)
    {
        Check(u, p, jac.Length, _n * _n);
        _jacobian(ref MemoryMarshal.GetReference(u), ref MemoryMarshal.GetReference(p), ref MemoryMarshal.GetReference(jac));
    }

    /// <inheritdoc/>
    public override void ParameterJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, int parameter, Span<double> column)
    {
        Check(u, p, column.Length, _n);
        _parameterColumns[parameter](ref MemoryMarshal.GetReference(u), ref MemoryMarshal.GetReference(p), ref MemoryMarshal.GetReference(column));
    }

    /// <inheritdoc/>
    public override bool HasHigherDerivatives => true;

    /// <inheritdoc/>
    public override void SecondDirectionalDerivative(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, Span<double> result)
    {
        Check(u, p, result.Length, _n);
        if (x.Length < _n) throw new ArgumentException($"direction has {x.Length} components, {_name} needs {_n}", nameof(x));
        _higher.Value.Second(ref MemoryMarshal.GetReference(u), ref MemoryMarshal.GetReference(p), ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(result));
    }

    /// <inheritdoc/>
    public override void ThirdDirectionalDerivative(ReadOnlySpan<double> u, ReadOnlySpan<double> p, ReadOnlySpan<double> x, Span<double> result)
    {
        Check(u, p, result.Length, _n);
        if (x.Length < _n) throw new ArgumentException($"direction has {x.Length} components, {_name} needs {_n}", nameof(x));
        _higher.Value.Third(ref MemoryMarshal.GetReference(u), ref MemoryMarshal.GetReference(p), ref MemoryMarshal.GetReference(x), ref MemoryMarshal.GetReference(result));
    }

    /// <summary>The value of definition <paramref name="index"/> (see <see cref="DefinitionNames"/>) at (u, p).</summary>
    public double EvaluateDefinition(int index, ReadOnlySpan<double> u, ReadOnlySpan<double> p)
    {
        Check(u, p, 1, 1);
        double result = 0;
        _definitions[index].Value(ref MemoryMarshal.GetReference(u), ref MemoryMarshal.GetReference(p), ref result);
        return result;
    }

    void Check(ReadOnlySpan<double> u, ReadOnlySpan<double> p, int outputLength, int needed)
    {
        // The kernels read and write by reference without bounds checks: check the lengths once here.
        if (u.Length < _n) throw new ArgumentException($"state has {u.Length} components, {_name} needs {_n}", nameof(u));
        if (p.Length < _np) throw new ArgumentException($"parameter vector has {p.Length} components, {_name} needs {_np}", nameof(p));
        if (outputLength < needed) throw new ArgumentException($"output has room for {outputLength} values, {needed} are written");
    }

    /// <summary>Compiles <paramref name="entries"/> (over states and parameters) into a kernel named <paramref name="name"/>.</summary>
    private protected Kernel CompileKernel(string name, IReadOnlyList<Expr> entries) => KernelCompiler.Compile($"{Sanitize(_name)}_{name}", entries, _slots);

    /// <summary>Calls <paramref name="kernel"/> on (u, p) into <paramref name="result"/> (length checked).</summary>
    private protected void Call(Kernel kernel, ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> result, int length)
    {
        Check(u, p, result.Length, length);
        kernel(ref MemoryMarshal.GetReference(u), ref MemoryMarshal.GetReference(p), ref MemoryMarshal.GetReference(result));
    }
}

/// <summary>
/// A model written as equations that declares its network coupling: the homogeneous reduction of a
/// network (<see cref="Continuation.Transverse.ICoupledSystem"/>). H = ∂f/∂ε and DH = ∂²f/∂ε∂u are
/// the exact symbolic derivatives, compiled; the declaration (which variable couples, which
/// equations it enters) is checked against them when the model is built.
/// </summary>
internal sealed class CoupledEquationSystem : EquationSystem, Continuation.Transverse.ICoupledSystem
{
    readonly int _eps;
    readonly Kernel _dh;

    internal CoupledEquationSystem(EquationModelDefinition definition, ResolvedModel model) : base(definition, model)
    {
        var c = definition.Coupling!;
        int n = Dimension;
        _eps = ParameterIndex(c.Parameter);
        if (_eps < 0) throw new EquationModelException($"model.coupling.parameter: '{c.Parameter}' is not a parameter of the model (its parameters: {string.Join(", ", Parameters.Select(q => q.Name))})", c.Line);
        int variable = StateIndex(c.Variable);
        if (variable < 0) throw new EquationModelException($"model.coupling.variable: '{c.Variable}' is not a state variable (states: {string.Join(", ", StateNames)})", c.Line);
        var enters = new HashSet<int>();
        foreach (var e in c.Enters)
        {
            int i = StateIndex(e);
            if (i < 0) throw new EquationModelException($"model.coupling.enters: '{e}' is not a state variable (states: {string.Join(", ", StateNames)})", c.Line);
            if (!enters.Add(i)) throw new EquationModelException($"model.coupling.enters: '{e}' is listed twice", c.Line);
        }
        static bool Zero(Expr e) => e is Num { Value: 0 };
        var entries = new Expr[n * n];
        for (int i = 0; i < n; i++)
        {
            var h = ParameterJacobianEntry(i, _eps); // H_i = ∂f_i/∂ε
            string eq = StateNames[i];
            if (!enters.Contains(i) && !Zero(h))
                throw new EquationModelException($"model.coupling: {c.Parameter} appears in the equation of {eq}, which is not in enters: [{string.Join(", ", c.Enters)}] (∂f/∂{c.Parameter} = {Printer.Print(h)})", c.Line);
            if (enters.Contains(i) && Zero(h))
                throw new EquationModelException($"model.coupling.enters: the equation of {eq} does not contain {c.Parameter}: the coupling ε·H must appear in every equation it enters", c.Line);
            if (!Zero(Differentiator.DifferentiateSimplified(h, c.Parameter)))
                throw new EquationModelException($"model.coupling: the equation of {eq} is not linear in {c.Parameter} (the homogeneous system of a network is F + ε·H with F free of ε)", c.Line);
            for (int j = 0; j < n; j++)
            {
                var d = Differentiator.DifferentiateSimplified(h, StateNames[j]);
                if (j != variable && !Zero(d))
                    throw new EquationModelException($"model.coupling: the coupling term of {eq} (∂f/∂{c.Parameter} = {Printer.Print(h)}) depends on {StateNames[j]}, not only on the declared variable {c.Variable}", c.Line);
                entries[i * n + j] = d;
            }
        }
        _dh = CompileKernel("dH", entries);
        CouplingParameter = c.Parameter;
        Declaration = c;
    }

    /// <summary>The declaration the model was written with.</summary>
    public EquationCoupling Declaration { get; }

    /// <inheritdoc/>
    public string CouplingParameter { get; }

    /// <inheritdoc/>
    public void CouplingInput(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> h) => ParameterJacobian(u, p, _eps, h);

    /// <inheritdoc/>
    public void CouplingJacobian(ReadOnlySpan<double> u, ReadOnlySpan<double> p, Span<double> dh) => Call(_dh, u, p, dh, Dimension * Dimension);

    private protected override void CompileNow()
    {
        base.CompileNow();
        var u = new double[Dimension];
        var p = new double[Parameters.Count];
        CouplingJacobian(u, p, new double[Dimension * Dimension]);
    }
}
