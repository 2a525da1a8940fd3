using System.Collections.Generic;
using NetGen.Generator.Model;

namespace NetGen.Generator.Parsing;

/// <summary>Turns character offsets of one file into <see cref="LocationInfo"/> (zero-based line and column).</summary>
internal sealed class SourceMap
{
    private readonly string _path;
    private readonly string _text;
    private readonly int _length;
    private readonly List<int> _lineStarts = new() { 0 };

    public SourceMap(string path, string text)
    {
        _path = path;
        _text = text;
        _length = text.Length;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n') _lineStarts.Add(i + 1);
        }
    }

    public LocationInfo Span(int start, int length)
    {
        if (start < 0) start = 0;
        if (start > _length) start = _length;
        if (length < 0 || start + length > _length) length = _length - start;
        var (line, col) = Position(start);
        var (endLine, endCol) = Position(start + length);
        return new LocationInfo(_path, start, length, line, col, endLine, endCol);
    }

    /// <summary>The text a location covers.</summary>
    public string Text(LocationInfo location) => _text.Substring(location.Start, location.Length);

    /// <summary>A location covering both spans and everything between.</summary>
    public LocationInfo Join(LocationInfo first, LocationInfo last) =>
        Span(first.Start, last.Start + last.Length - first.Start);

    private (int Line, int Column) Position(int offset)
    {
        int lo = 0, hi = _lineStarts.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (_lineStarts[mid] <= offset) lo = mid;
            else hi = mid - 1;
        }
        return (lo, offset - _lineStarts[lo]);
    }
}
