using System.Globalization;
using System.Text;
using System.Xml;
using GridEdge.Server.Compliance;

namespace GridEdge.Server.Alarms;

/// <summary>
/// A small self-contained SVG of one quantity's readings around an alert: the line of the readings, the threshold (dashed)
/// when the rule has one, and the moment of the alert; times in China Standard Time. No script, no external reference.
/// </summary>
public static class AlertChart
{
    public const int Width = 480, Height = 200;
    private const double Left = 48, Right = 12, Top = 24, Bottom = 28;

    /// <summary>How far the chart reaches before the alert.</summary>
    public static readonly TimeSpan Before = TimeSpan.FromHours(2);

    /// <summary>How far the chart reaches after the alert (or up to now, when that is sooner).</summary>
    public static readonly TimeSpan After = TimeSpan.FromHours(1);

    /// <summary>The chart of <paramref name="points"/> (time, value) from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static string Render(AlertFigures figures, IReadOnlyList<(DateTimeOffset At, double Value)> points, DateTimeOffset from, DateTimeOffset to)
    {
        var values = points.Select(p => p.Value).Where(double.IsFinite).ToList();
        if (figures.Threshold is { } threshold) values.Add(threshold);
        if (figures.Value is { } measured) values.Add(measured);
        var (min, max) = values.Count == 0 ? (0.0, 1.0) : (Math.Min(0, values.Min()), values.Max());
        if (max <= min) max = min + 1;
        max += (max - min) * 0.1;
        var span = Math.Max((to - from).TotalMilliseconds, 1);
        double X(DateTimeOffset t) => Left + (Width - Left - Right) * Math.Clamp((t - from).TotalMilliseconds / span, 0, 1);
        double Y(double v) => Top + (Height - Top - Bottom) * (1 - (v - min) / (max - min));

        var text = new StringBuilder();
        using (var w = XmlWriter.Create(text, new XmlWriterSettings { OmitXmlDeclaration = true }))
        {
            const string Svg = "http://www.w3.org/2000/svg";
            w.WriteStartElement("svg", Svg);
            Attributes(w, ("width", Width), ("height", Height), ("viewBox", $"0 0 {Width} {Height}"), ("font-family", "sans-serif"), ("font-size", 10));
            w.WriteElementString("title", Svg, $"{figures.ChartQuantity} at gateway {figures.Gateway} around alert {figures.AlertId}");
            Element(w, "rect", ("x", Left), ("y", Top), ("width", Width - Left - Right), ("height", Height - Top - Bottom), ("fill", "none"), ("stroke", "#999"));
            Label(w, Left, 14, $"{figures.ChartQuantity}{(figures.Unit is null ? "" : $" ({figures.Unit})")} · {figures.Gateway} · {figures.Sensor}", "start");
            Label(w, Left - 4, Top + 4, Number(max), "end");
            Label(w, Left - 4, Height - Bottom, Number(min), "end");
            Label(w, Left, Height - 10, Clock(from), "start");
            Label(w, Width - Right, Height - 10, Clock(to), "end");
            if (figures.Threshold is { } t)
            {
                Element(w, "line", ("x1", Left), ("y1", Y(t)), ("x2", Width - Right), ("y2", Y(t)), ("stroke", "#d33"), ("stroke-dasharray", "4 3"), ("class", "threshold"));
                Label(w, Width - Right - 2, Y(t) - 3, "threshold " + Number(t), "end");
            }
            Element(w, "line", ("x1", X(figures.At)), ("y1", Top), ("x2", X(figures.At)), ("y2", Height - Bottom), ("stroke", "#f90"), ("class", "alert"));
            if (points.Count > 0)
                Element(w, "polyline", ("fill", "none"), ("stroke", "#36c"), ("stroke-width", 1.5), ("class", "readings"),
                    ("points", string.Join(' ', points.Where(p => double.IsFinite(p.Value)).Select(p => $"{Number(X(p.At))},{Number(Y(p.Value))}"))));
            else
                Label(w, Width / 2.0, Height / 2.0, "no readings in this window", "middle");
            w.WriteEndElement();
        }
        return text.ToString();
    }

    private static string Number(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Clock(DateTimeOffset t) => t.ToOffset(GridEdge.Server.Periods.ReportPeriod.ChinaStandardTime).ToString("MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static void Label(XmlWriter w, double x, double y, string text, string anchor)
    {
        w.WriteStartElement("text", "http://www.w3.org/2000/svg");
        Attributes(w, ("x", x), ("y", y), ("text-anchor", anchor));
        w.WriteString(text);
        w.WriteEndElement();
    }

    private static void Element(XmlWriter w, string name, params (string Name, object Value)[] attributes)
    {
        w.WriteStartElement(name, "http://www.w3.org/2000/svg");
        Attributes(w, attributes);
        w.WriteEndElement();
    }

    private static void Attributes(XmlWriter w, params (string Name, object Value)[] attributes)
    {
        foreach (var (name, value) in attributes)
            w.WriteAttributeString(name, value is double d ? Number(d) : Convert.ToString(value, CultureInfo.InvariantCulture));
    }
}
