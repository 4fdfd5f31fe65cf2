using Continuation.Systems;
using Models.Equations;
using YamlDotNet.RepresentationModel;

namespace Continuation.Cli.Cases;

/// <summary>
/// The <c>model:</c> mapping of a case file: a model written as equations
/// (<see cref="EquationSystem"/>). Errors name the line of the offending item and, inside an
/// expression, the column: <c>case.yaml:12: in equation for v_e, column 18: unknown name 'tauu'</c>.
/// </summary>
public sealed partial class CaseReader
{
    static readonly string[] EquationModelKeys = ["name", "time_unit", "parameters", "constants", "states", "equations", "where", "aux", "initial", "coupling"];

    /// <summary>The <c>initial:</c> state of an equation model, used where a start gives no <c>state:</c>.</summary>
    double[]? _initial;

    /// <summary>Reads the model: a built-in name, or a mapping with equations.</summary>
    OdeSystem ReadModel(YamlNode node)
    {
        if (node is YamlMappingNode map) return ReadEquationModel(map);
        if (node is not YamlScalarNode { Value: { } name })
            throw Error(node, "model: expected a built-in model name (`cont models` lists them) or a mapping with equations:");
        return _models(name) ?? throw Error(node, $"model: unknown model '{name}' (`cont models` lists them, or write the model as equations:)");
    }

    EquationSystem ReadEquationModel(YamlMappingNode map)
    {
        CheckKeys(map, EquationModelKeys, "model.");
        if (Get(map, "where") is not null && Get(map, "aux") is not null)
            throw Error(map.Children.Keys.Last(k => k is YamlScalarNode { Value: "where" or "aux" }), "model: give the definitions under where: or aux:, not both");
        var equationsNode = Get(map, "equations")
            ?? throw Error(map, "model: missing key 'equations' (one right-hand side per state variable, e.g. x: a - x^2)");

        var definition = new EquationModelDefinition
        {
            Name = Get(map, "name") is { } n ? Scalar(n, "model.name") : "equations",
            TimeUnit = Get(map, "time_unit") is { } t ? Scalar(t, "model.time_unit") : null,
            Parameters = Get(map, "parameters") is { } p ? NamedNumbers(p, "model.parameters") : [],
            Constants = Get(map, "constants") is { } c ? NamedNumbers(c, "model.constants") : [],
            Definitions = (Get(map, "where") ?? Get(map, "aux")) is { } d ? NamedTexts(d, Get(map, "where") is null ? "model.aux" : "model.where") : [],
            Equations = NamedTexts(equationsNode, "model.equations"),
            States = Get(map, "states") is { } s ? Names(s, "model.states") : null,
            StatesLine = Get(map, "states") is { } sl ? (int)sl.Start.Line : 0,
            Line = (int)equationsNode.Start.Line,
            Coupling = Get(map, "coupling") is { } cn ? ReadCoupling(cn) : null,
        };

        EquationSystem system;
        try { system = EquationSystem.Create(definition); }
        catch (EquationModelException e) { throw new CaseException(_file, e.SourceLine, e.Message); }
        // A state or parameter is a column of the output files: it may not take the name of a column they always have.
        foreach (var (name, line) in definition.Parameters.Select(p => (p.Name, p.Line)).Concat(definition.Equations.Select(e => (e.Name, e.Line))))
            if (FixedColumns.Contains(name) || name.StartsWith("floquet_", StringComparison.Ordinal))
                throw new CaseException(_file, line, $"'{name}' is the name of a column of the output files ({string.Join(", ", FixedColumns)}, floquet_…): rename the {(definition.Parameters.Any(p => p.Name == name) ? "parameter" : "state variable")}");

        if (Get(map, "initial") is { } initialNode)
        {
            if (initialNode is not YamlMappingNode initialMap)
                throw Error(initialNode, $"model.initial: expected a mapping of state variables to numbers, e.g. {{ {system.StateNames[0]}: 0 }}");
            var initial = new double[system.Dimension];
            foreach (var (keyNode, valueNode) in initialMap.Children)
            {
                string key = Scalar(keyNode, "model.initial");
                int i = system.StateIndex(key);
                if (i < 0) throw Error(keyNode, $"model.initial: '{key}' is not a state variable (states: {string.Join(", ", system.StateNames)})");
                initial[i] = Number(valueNode, $"model.initial.{key}");
            }
            var missing = system.StateNames.Where(s => !initialMap.Children.ContainsKey(new YamlScalarNode(s))).ToList();
            if (missing.Count > 0)
                throw Error(initialNode, $"model.initial: expected a value for every state variable; missing {string.Join(", ", missing)}");
            _initial = initial;
        }
        return system;
    }

    /// <summary>A definition (<c>where:</c>) of an equation model as an output quantity, or null.</summary>
    static StateFunction? DefinitionOutput(OdeSystem model, string name)
    {
        if (model is not EquationSystem equations || equations.DefinitionIndex(name) is var index && index < 0) return null;
        return (u, p) => equations.EvaluateDefinition(index, u, p);
    }

    /// <summary>", or a definition: a, b" for an equation model with definitions.</summary>
    static string DefinitionList(OdeSystem model)
        => model is EquationSystem { DefinitionNames.Count: > 0 } e ? $", or a definition: {string.Join(", ", e.DefinitionNames)}" : "";

    List<NamedValue> NamedNumbers(YamlNode node, string where)
    {
        if (node is not YamlMappingNode map) throw Error(node, $"{where}: expected a mapping of names to numbers, e.g. {{ a: 1.0, b: 2.5 }}");
        return map.Children.Select(kv => new NamedValue(Scalar(kv.Key, where), Number(kv.Value, $"{where}.{Scalar(kv.Key, where)}"), (int)kv.Key.Start.Line)).ToList();
    }

    List<NamedText> NamedTexts(YamlNode node, string where)
    {
        if (node is not YamlMappingNode map) throw Error(node, $"{where}: expected a mapping of names to expressions, e.g. {{ x: a - x^2 }}");
        var list = new List<NamedText>();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            string name = Scalar(keyNode, where);
            if (valueNode is not YamlScalarNode { Value: { } text })
                throw Error(valueNode, $"{where}.{name}: expected an expression, got a {Describe(valueNode)} (quote an expression that YAML reads otherwise)");
            list.Add(new NamedText(name, text, (int)valueNode.Start.Line));
        }
        return list;
    }

    /// <summary><c>coupling: { parameter: eps, variable: s_e, enters: [v_e, v_i] }</c>: the network coupling of a homogeneous system.</summary>
    EquationCoupling ReadCoupling(YamlNode node)
    {
        var map = node as YamlMappingNode ?? throw Error(node, "model.coupling: expected a mapping such as { parameter: eps, variable: s_e, enters: [v_e, v_i] }");
        CheckKeys(map, ["parameter", "variable", "enters"], "model.coupling.");
        string Required(string key, string what) => Get(map, key) is { } v ? Scalar(v, $"model.coupling.{key}") : throw Error(map, $"model.coupling: missing key '{key}' ({what})");
        string parameter = Required("parameter", "the coupling strength ε");
        string variable = Required("variable", "the state variable a node sends to the others");
        var entersNode = Get(map, "enters") ?? throw Error(map, "model.coupling: missing key 'enters' (the equations the coupling enters, e.g. [v_e, v_i])");
        return new EquationCoupling(parameter, variable, Names(entersNode, "model.coupling.enters"), (int)node.Start.Line);
    }

    List<string> Names(YamlNode node, string where)
    {
        if (node is not YamlSequenceNode seq) throw Error(node, $"{where}: expected a list of names such as [x, y]");
        return seq.Children.Select((c, i) => Scalar(c, $"{where}[{i}]")).ToList();
    }
}
