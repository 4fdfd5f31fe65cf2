using Models;
using Xunit;

namespace Tests.Models;

public class NextGenNeuralMassTests
{
    private static readonly NextGenNeuralMassHomogeneous Homogeneous = new();
    private static readonly NextGenNeuralMassNode Node = new();

    [Fact]
    public void HomogeneousParametersHaveTheDocumentedNamesOrderAndDefaults()
    {
        (string, double)[] expected =
        [
            ("Iext_e", 0), ("eps", 0), ("Iext_i", 0), ("tau_e", 8), ("tau_i", 8), ("tau_se", 1), ("tau_si", 5),
            ("nu_e", -5), ("nu_i", -5), ("Delta_e", 1), ("Delta_i", 1), ("J_ee", 5), ("J_ei", 13), ("J_ii", 5), ("J_ie", 13),
        ];
        Assert.Equal(expected, Homogeneous.Parameters.Select(q => (q.Name, q.Default)).ToArray());
        Assert.Equal(["r_e", "v_e", "s_e", "r_i", "v_i", "s_i"], Homogeneous.StateNames);
        Assert.Equal("NextGenNeuralMass.Homogeneous", Homogeneous.Name);
        Assert.Equal("ms", Homogeneous.TimeUnit);
    }

    [Fact]
    public void NodeParametersAreTheHomogeneousOnesWithoutEps()
    {
        var expected = Homogeneous.Parameters.Where(q => q.Name != "eps").Select(q => (q.Name, q.Default));
        Assert.Equal(expected, Node.Parameters.Select(q => (q.Name, q.Default)));
        Assert.Equal(Homogeneous.StateNames, Node.StateNames);
        Assert.Equal("NextGenNeuralMass.Node", Node.Name);
        Assert.Equal("ms", Node.TimeUnit);
    }

    /// <summary>DESIGN.md section 2 written out literally, in the un-divided form τ u' = ….</summary>
    private static double[] ReferenceRightHandSide(double[] u, Func<string, double> q)
    {
        double re = u[0], ve = u[1], se = u[2], ri = u[3], vi = u[4], si = u[5];
        double te = q("tau_e"), ti = q("tau_i");
        double ie = q("Iext_e"), ii = q("Iext_i");
        double jee = q("J_ee"), jei = q("J_ei"), jii = q("J_ii"), jie = q("J_ie");
        return
        [
            (q("Delta_e") / (Math.PI * te) + 2 * re * ve) / te,
            (ve * ve + q("nu_e") - Math.Pow(Math.PI * te * re, 2) + ie + te * jee * se - te * jei * si) / te,
            (-se + re) / q("tau_se"),
            (q("Delta_i") / (Math.PI * ti) + 2 * ri * vi) / ti,
            (vi * vi + q("nu_i") - Math.Pow(Math.PI * ti * ri, 2) + ii + ti * jie * se - ti * jii * si) / ti,
            (-si + ri) / q("tau_si"),
        ];
    }

    [Fact]
    public void NodeRightHandSideMatchesTheEquationsOfTheDesign()
    {
        foreach (var (u, p) in SamplePoints.For(Node, count: 10))
        {
            var expected = ReferenceRightHandSide(u, name => p[Node.ParameterIndex(name)]);
            var actual = new double[6];
            Node.Evaluate(u, p, actual);
            for (int i = 0; i < 6; i++)
                Assert.Equal(expected[i], actual[i], 1e-12 * Math.Max(1, Math.Abs(expected[i])));
        }
    }

    [Fact]
    public void HomogeneousRightHandSideIsTheNodeWithEpsAddedToJeeAndJie()
    {
        foreach (var (u, p) in SamplePoints.For(Homogeneous, count: 10))
        {
            double eps = p[Homogeneous.ParameterIndex("eps")];
            Assert.NotEqual(0.0, eps);
            var expected = ReferenceRightHandSide(u, name => p[Homogeneous.ParameterIndex(name)]
                + (name is "J_ee" or "J_ie" ? eps : 0.0));
            var actual = new double[6];
            Homogeneous.Evaluate(u, p, actual);
            for (int i = 0; i < 6; i++)
                Assert.Equal(expected[i], actual[i], 1e-12 * Math.Max(1, Math.Abs(expected[i])));
        }
    }

    /// <summary>Maps a homogeneous parameter vector at ε = e to the node's with J_ee + e, J_ie + e.</summary>
    private static double[] NodeParametersFor(double[] homogeneousParameters)
    {
        double eps = homogeneousParameters[Homogeneous.ParameterIndex("eps")];
        var q = new double[Node.Parameters.Count];
        for (int k = 0; k < q.Length; k++)
        {
            string name = Node.Parameters[k].Name;
            q[k] = homogeneousParameters[Homogeneous.ParameterIndex(name)] + (name is "J_ee" or "J_ie" ? eps : 0.0);
        }
        return q;
    }

    [Fact]
    public void HomogeneousAtEpsEqualsNodeWithShiftedCouplings()
    {
        foreach (var (u, p) in SamplePoints.For(Homogeneous, count: 10))
        {
            var q = NodeParametersFor(p);

            var fh = new double[6];
            var fn = new double[6];
            Homogeneous.Evaluate(u, p, fh);
            Node.Evaluate(u, q, fn);
            Assert.Equal(fn, fh);

            var jh = new double[36];
            var jn = new double[36];
            Homogeneous.StateJacobian(u, p, jh);
            Node.StateJacobian(u, q, jn);
            Assert.Equal(jn, jh);

            var ch = new double[6];
            var cn = new double[6];
            for (int k = 0; k < Node.Parameters.Count; k++)
            {
                Homogeneous.ParameterJacobian(u, p, Homogeneous.ParameterIndex(Node.Parameters[k].Name), ch);
                Node.ParameterJacobian(u, q, k, cn);
                Assert.Equal(cn, ch);
            }

            // ∂f/∂ε = ∂f/∂J_ee + ∂f/∂J_ie of the node.
            var cee = new double[6];
            var cie = new double[6];
            Homogeneous.ParameterJacobian(u, p, Homogeneous.ParameterIndex("eps"), ch);
            Node.ParameterJacobian(u, q, Node.ParameterIndex("J_ee"), cee);
            Node.ParameterJacobian(u, q, Node.ParameterIndex("J_ie"), cie);
            for (int i = 0; i < 6; i++) Assert.Equal(cee[i] + cie[i], ch[i], 1e-15);
            Assert.NotEqual(0.0, ch[1]);
            Assert.NotEqual(0.0, ch[4]);
        }
    }

    [Fact]
    public void ParameterJacobianRejectsAnUnknownIndex()
    {
        var u = new double[6];
        var p = Homogeneous.DefaultParameters();
        var column = new double[6];
        Assert.Throws<ArgumentOutOfRangeException>(() => Homogeneous.ParameterJacobian(u, p, 15, column));
        Assert.Throws<ArgumentOutOfRangeException>(() => Node.ParameterJacobian(u, Node.DefaultParameters(), 14, column));
        Assert.Throws<ArgumentOutOfRangeException>(() => Node.ParameterJacobian(u, Node.DefaultParameters(), -1, column));
    }
}
