using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace NetGen.Training;

/// <summary>The JSON contracts of checkpoint.json and metrics.json, generated at build time (no reflection: the library is trimmable and AOT-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    RespectNullableAnnotations = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(TrainingCheckpoint))]
[JsonSerializable(typeof(List<EpochMetrics>))]
internal sealed partial class TrainingJsonContext : JsonSerializerContext;

/// <summary>
/// checkpoint.json as text: writing a <see cref="TrainingCheckpoint"/>, and reading one back with
/// every way the file can be broken (empty, cut short, malformed, a value of the wrong type, a
/// field out of range) said in our words with its line, never System.Text.Json's own text.
/// </summary>
internal static class CheckpointJson
{
    public static string Serialize(TrainingCheckpoint state) => JsonSerializer.Serialize(state, TrainingJsonContext.Default.TrainingCheckpoint);

    /// <summary>Reads <paramref name="bytes"/>, the content of <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointException">"path: error: not a valid checkpoint: what".</exception>
    public static TrainingCheckpoint Parse(string path, byte[] bytes)
    {
        ReadOnlySpan<byte> json = bytes.AsSpan();
        if (json.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) json = json[3..];
        if (Syntax(json) is string broken) throw Invalid(path, broken);
        TrainingCheckpoint state;
        try
        {
            state = JsonSerializer.Deserialize(json, TrainingJsonContext.Default.TrainingCheckpoint)!;
        }
        catch (JsonException e)
        {
            throw Invalid(path, WrongType(json, e));
        }
        if (Contents(state) is string wrong) throw Invalid(path, wrong);
        return state;
    }

    /// <summary>The file names a checkpoint.json on disk refers to, or none when it cannot be read; never throws.</summary>
    public static string[] NamedFiles(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return [];
            return [.. new[] { "weights", "optimizerState" }
                .Select(name => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null)
                .OfType<string>()];
        }
        catch (Exception e) when (e is JsonException || FileSystemErrors.IsFileSystemError(e))
        {
            return [];
        }
    }

    private static CheckpointException Invalid(string path, string what) => new($"{path}: error: not a valid checkpoint: {what}");

    /// <summary>Null when <paramref name="json"/> is one well-formed JSON object; else what is wrong with it.</summary>
    private static string? Syntax(ReadOnlySpan<byte> json)
    {
        if (json.Trim(" \t\r\n"u8).IsEmpty) return "the file is empty";
        // Not the final block: at the end of the bytes the reader stops instead of failing, which
        // tells a file cut short from one with a wrong character.
        var reader = new Utf8JsonReader(json, isFinalBlock: false, state: default);
        try
        {
            if (!reader.Read()) return $"the file ends before its JSON does ({LineOf(json, json.Length)}): it was cut short";
            if (reader.TokenType != JsonTokenType.StartObject)
                return $"the file must hold one JSON object {{ ... }}, but it starts with {Kind(reader.TokenType)} ({LineOf(json, (int)reader.TokenStartIndex)})";
            while (reader.Read())
            {
                if (reader.CurrentDepth == 0)
                {
                    int end = (int)reader.BytesConsumed;
                    int extra = json[end..].IndexOfAnyExcept(" \t\r\n"u8);
                    return extra < 0 ? null : $"unexpected text after the end of the JSON object ({LineOf(json, end + extra)})";
                }
            }
            return $"the file ends before its JSON does ({LineOf(json, json.Length)}): it was cut short";
        }
        catch (JsonException e)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"malformed JSON at line {e.LineNumber + 1}, column {e.BytePositionInLine + 1}");
        }
    }

    /// <summary>What a deserialisation failure means: which field (a JSON path such as metrics[0].trainLoss), what it holds, what it should.</summary>
    private static string WrongType(ReadOnlySpan<byte> json, JsonException e)
    {
        string line = string.Create(CultureInfo.InvariantCulture, $"line {e.LineNumber + 1}");
        string field = e.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "";
        using var document = JsonDocument.Parse(json.ToArray());
        var (value, type) = Find(document.RootElement, typeof(TrainingCheckpoint), field);
        if (value is null || type is null) return $"the JSON is not laid out as a checkpoint ({line})";
        return $"\"{field}\" ({line}) is {Found(value.Value)}; expected {Expected(type)}";
    }

    /// <summary>Follows a path of property names and [index] steps through both the JSON and the C# types (their generated contracts).</summary>
    private static (JsonElement? Value, Type? Type) Find(JsonElement root, Type rootType, string path)
    {
        JsonElement element = root;
        Type? type = rootType;
        foreach (string step in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = step;
            int bracket = step.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0) name = step[..bracket];
            if (name.Length > 0)
            {
                var property = Contract(type)?.Properties.FirstOrDefault(p => p.Name == name);
                if (property is null || element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element)) return (null, null);
                type = property.PropertyType;
            }
            for (; bracket >= 0; bracket = step.IndexOf('[', bracket + 1))
            {
                int close = step.IndexOf(']', bracket);
                if (close < 0 || !int.TryParse(step.AsSpan(bracket + 1, close - bracket - 1), CultureInfo.InvariantCulture, out int index)
                    || element.ValueKind != JsonValueKind.Array || index >= element.GetArrayLength()) return (null, null);
                element = element[index];
                type = ElementType(type);
            }
        }
        return (element, type);
    }

    private static JsonTypeInfo? Contract(Type? type) =>
        type is null ? null : TrainingJsonContext.Default.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);

    private static Type? ElementType(Type? list) =>
        list is null ? null : list.IsArray ? list.GetElementType() : list.IsGenericType ? list.GetGenericArguments()[0] : null;

    private static string Found(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "null",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "the number " + value.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Array => "a list",
        _ => "an object",
    };

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(int) || type == typeof(long)) return "a whole number";
        if (type == typeof(ulong)) return "a whole number, not negative";
        if (type == typeof(float) || type == typeof(double)) return "a number";
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "true or false";
        if (typeof(IEnumerable).IsAssignableFrom(type)) return "a list";
        return "an object";
    }

    private static string Kind(JsonTokenType token) => token switch
    {
        JsonTokenType.StartArray => "a list",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        _ => "a value",
    };

    private static string LineOf(ReadOnlySpan<byte> json, int offset) =>
        string.Create(CultureInfo.InvariantCulture, $"line {json[..offset].Count((byte)'\n') + 1}");

    /// <summary>Null when the fields are in range; else the first that is not.</summary>
    private static string? Contents(TrainingCheckpoint state)
    {
        if (state.Version != TrainingCheckpoint.CurrentVersion)
            return string.Create(CultureInfo.InvariantCulture, $"it is version {state.Version}; this netgen reads version {TrainingCheckpoint.CurrentVersion}");
        if (state.Network.Length == 0) return "\"network\" is missing or empty";
        if (state.Batch <= 0) return string.Create(CultureInfo.InvariantCulture, $"\"batch\" must be a positive whole number, not {state.Batch}");
        if (state.Epoch < 0 || state.Step < 0) return "\"epoch\" and \"step\" must not be negative";
        if (!IsPlainName(state.Weights)) return $"\"weights\" must name a file in the checkpoint folder, not '{state.Weights}'";
        if (state.OptimizerState is string optimizer && !IsPlainName(optimizer))
            return $"\"optimizerState\" must name a file in the checkpoint folder, not '{optimizer}'";
        return null;
    }

    private static bool IsPlainName(string name) =>
        name.Length > 0 && name is not ("." or "..") && Path.GetFileName(name) == name && name.IndexOfAny(['/', '\\']) < 0;
}
