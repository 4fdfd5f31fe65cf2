using Continuation.Systems;

namespace Models;

/// <summary>
/// Parameters of one uncoupled next-generation neural-mass node (E–I populations with synaptic
/// dynamics), already resolved to their effective values (for the homogeneous system
/// J_ee and J_ie include the global coupling ε).
/// </summary>
internal readonly record struct NodeParameters(
    double IextE, double IextI,
    double TauE, double TauI, double TauSE, double TauSI,
    double NuE, double NuI,
    double DeltaE, double DeltaI,
    double Jee, double Jei, double Jii, double Jie);

/// <summary>The node parameters by role, used to ask for one column of ∂f/∂p.</summary>
internal enum NodeParameter
{
    IextE, IextI, TauE, TauI, TauSE, TauSI, NuE, NuI, DeltaE, DeltaI, Jee, Jei, Jii, Jie,
}

/// <summary>
/// The right-hand side and its derivatives for the next-generation neural-mass node,
/// shared by <see cref="NextGenNeuralMassNode"/> and <see cref="NextGenNeuralMassHomogeneous"/>.
/// </summary>
/// <remarks>
/// State order (r_e, v_e, s_e, r_i, v_i, s_i). Per population p ∈ {e, i}, divided through by τ:
/// <code>
/// r_p' = Δ_p/(π τ_p²) + 2 r_p v_p/τ_p
/// v_p' = (v_p² + ν_p − (π τ_p r_p)² + I_p)/τ_p + J_pe s_e − J_pi s_i
/// s_p' = (r_p − s_p)/τ_sp
/// </code>
/// (Montbrió–Pazó–Roxin mean field with first-order synapses; see DESIGN.md section 2.)
/// </remarks>
internal static class NextGenNeuralMassEquations
{
    internal const int RE = 0, VE = 1, SE = 2, RI = 3, VI = 4, SI = 5;

    /// <summary>
    /// The node's parameters with the paper's defaults, in model order; with <paramref name="coupling"/>
    /// the global coupling <c>eps</c> comes second (the homogeneous system).
    /// </summary>
    internal static IReadOnlyList<Parameter> ParameterList(bool coupling) =>
    [
        new("Iext_e", 0.0, "external current onto the excitatory population"),
        .. (coupling ? [new Parameter("eps", 0.0, "global coupling strength ε")] : Array.Empty<Parameter>()),
        new("Iext_i", 0.0, "external current onto the inhibitory population"),
        new("tau_e", 8.0, "excitatory membrane time constant (ms)"),
        new("tau_i", 8.0, "inhibitory membrane time constant (ms)"),
        new("tau_se", 1.0, "excitatory synaptic time constant (ms)"),
        new("tau_si", 5.0, "inhibitory synaptic time constant (ms)"),
        new("nu_e", -5.0, "centre of the excitatory excitability distribution"),
        new("nu_i", -5.0, "centre of the inhibitory excitability distribution"),
        new("Delta_e", 1.0, "half-width of the excitatory excitability distribution"),
        new("Delta_i", 1.0, "half-width of the inhibitory excitability distribution"),
        new("J_ee", 5.0, "synaptic strength E → E"),
        new("J_ei", 13.0, "synaptic strength I → E"),
        new("J_ii", 5.0, "synaptic strength I → I"),
        new("J_ie", 13.0, "synaptic strength E → I"),
    ];

    internal static readonly IReadOnlyList<string?> StateUnits = ["1/ms", "mV", "1/ms", "1/ms", "mV", "1/ms"];

    internal static readonly IReadOnlyList<string> StateNames = ["r_e", "v_e", "s_e", "r_i", "v_i", "s_i"];

    internal static void Evaluate(in NodeParameters q, ReadOnlySpan<double> u, Span<double> du)
    {
        double re = u[RE], ve = u[VE], se = u[SE], ri = u[RI], vi = u[VI], si = u[SI];
        double pte = Math.PI * q.TauE * re, pti = Math.PI * q.TauI * ri;

        du[RE] = q.DeltaE / (Math.PI * q.TauE * q.TauE) + 2.0 * re * ve / q.TauE;
        du[VE] = (ve * ve + q.NuE - pte * pte + q.IextE) / q.TauE + q.Jee * se - q.Jei * si;
        du[SE] = (re - se) / q.TauSE;
        du[RI] = q.DeltaI / (Math.PI * q.TauI * q.TauI) + 2.0 * ri * vi / q.TauI;
        du[VI] = (vi * vi + q.NuI - pti * pti + q.IextI) / q.TauI + q.Jie * se - q.Jii * si;
        du[SI] = (ri - si) / q.TauSI;
    }

    /// <summary>Writes the 6×6 state Jacobian, row-major.</summary>
    internal static void StateJacobian(in NodeParameters q, ReadOnlySpan<double> u, Span<double> jac)
    {
        const int n = 6;
        double re = u[RE], ve = u[VE], ri = u[RI], vi = u[VI];
        jac[..(n * n)].Clear();

        jac[RE * n + RE] = 2.0 * ve / q.TauE;
        jac[RE * n + VE] = 2.0 * re / q.TauE;

        jac[VE * n + RE] = -2.0 * Math.PI * Math.PI * q.TauE * re;
        jac[VE * n + VE] = 2.0 * ve / q.TauE;
        jac[VE * n + SE] = q.Jee;
        jac[VE * n + SI] = -q.Jei;

        jac[SE * n + RE] = 1.0 / q.TauSE;
        jac[SE * n + SE] = -1.0 / q.TauSE;

        jac[RI * n + RI] = 2.0 * vi / q.TauI;
        jac[RI * n + VI] = 2.0 * ri / q.TauI;

        jac[VI * n + RI] = -2.0 * Math.PI * Math.PI * q.TauI * ri;
        jac[VI * n + VI] = 2.0 * vi / q.TauI;
        jac[VI * n + SE] = q.Jie;
        jac[VI * n + SI] = -q.Jii;

        jac[SI * n + RI] = 1.0 / q.TauSI;
        jac[SI * n + SI] = -1.0 / q.TauSI;
    }

    /// <summary>
    /// Writes d²/dt² f(u + t x) at t = 0 (f is quadratic in the state, so this does not depend on u
    /// and the third derivative is zero): 4 x_r x_v/τ in the r rows, 2 x_v²/τ − 2π²τ x_r² in the v rows.
    /// </summary>
    internal static void SecondDirectional(in NodeParameters q, ReadOnlySpan<double> x, Span<double> result)
    {
        result[..6].Clear();
        result[RE] = 4.0 * x[RE] * x[VE] / q.TauE;
        result[VE] = 2.0 * x[VE] * x[VE] / q.TauE - 2.0 * Math.PI * Math.PI * q.TauE * x[RE] * x[RE];
        result[RI] = 4.0 * x[RI] * x[VI] / q.TauI;
        result[VI] = 2.0 * x[VI] * x[VI] / q.TauI - 2.0 * Math.PI * Math.PI * q.TauI * x[RI] * x[RI];
    }

    /// <summary>
    /// Writes ∂f/∂q for one node parameter into <paramref name="column"/> when
    /// <paramref name="add"/> is false, or adds it to <paramref name="column"/> when true
    /// (used for ε, which enters through both J_ee and J_ie).
    /// </summary>
    internal static void ParameterColumn(in NodeParameters q, ReadOnlySpan<double> u, NodeParameter which, Span<double> column, bool add = false)
    {
        if (!add) column[..6].Clear();
        double re = u[RE], ve = u[VE], se = u[SE], ri = u[RI], vi = u[VI], si = u[SI];
        switch (which)
        {
            case NodeParameter.IextE:
                column[VE] += 1.0 / q.TauE;
                break;
            case NodeParameter.IextI:
                column[VI] += 1.0 / q.TauI;
                break;
            case NodeParameter.TauE:
                column[RE] += -2.0 * q.DeltaE / (Math.PI * q.TauE * q.TauE * q.TauE) - 2.0 * re * ve / (q.TauE * q.TauE);
                column[VE] += -(ve * ve + q.NuE + q.IextE) / (q.TauE * q.TauE) - Math.PI * Math.PI * re * re;
                break;
            case NodeParameter.TauI:
                column[RI] += -2.0 * q.DeltaI / (Math.PI * q.TauI * q.TauI * q.TauI) - 2.0 * ri * vi / (q.TauI * q.TauI);
                column[VI] += -(vi * vi + q.NuI + q.IextI) / (q.TauI * q.TauI) - Math.PI * Math.PI * ri * ri;
                break;
            case NodeParameter.TauSE:
                column[SE] += -(re - se) / (q.TauSE * q.TauSE);
                break;
            case NodeParameter.TauSI:
                column[SI] += -(ri - si) / (q.TauSI * q.TauSI);
                break;
            case NodeParameter.NuE:
                column[VE] += 1.0 / q.TauE;
                break;
            case NodeParameter.NuI:
                column[VI] += 1.0 / q.TauI;
                break;
            case NodeParameter.DeltaE:
                column[RE] += 1.0 / (Math.PI * q.TauE * q.TauE);
                break;
            case NodeParameter.DeltaI:
                column[RI] += 1.0 / (Math.PI * q.TauI * q.TauI);
                break;
            case NodeParameter.Jee:
                column[VE] += se;
                break;
            case NodeParameter.Jei:
                column[VE] += -si;
                break;
            case NodeParameter.Jii:
                column[VI] += -si;
                break;
            case NodeParameter.Jie:
                column[VI] += se;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(which));
        }
    }
}
