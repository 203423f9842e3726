//! Charts with plotters, as SVG text (for the HTML report) and PNG files.
//!
//! Text in PNGs is drawn with DejaVu Sans compiled into the binary, so no
//! system fonts or fontconfig are needed; SVG text is left to the viewer.

use std::path::Path;
use std::sync::Once;

use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::ExportError;
use crate::format::thousands;
use crate::summary::doc::{Chart, ChartKind, Panel, Series};

const FONT: &[u8] = include_bytes!("../../assets/DejaVuSans.ttf");
const FONT_BOLD: &[u8] = include_bytes!("../../assets/DejaVuSans-Bold.ttf");

const BAND: RGBAColor = RGBAColor(70, 130, 180, 0.28);
const LINE: RGBColor = RGBColor(24, 70, 120);
/// Lines of scenarios compared in one panel (colour-blind safe).
const PALETTE: [RGBColor; 4] =
    [RGBColor(24, 70, 120), RGBColor(213, 94, 0), RGBColor(0, 140, 100), RGBColor(170, 60, 150)];
const MARKER: RGBColor = RGBColor(200, 50, 40);
const BAR: RGBColor = RGBColor(90, 150, 200);

/// Most panels drawn in one chart: beyond this a chart would be metres
/// tall (and big enough to exhaust memory); the rest are in the tables.
const MAX_PANELS: usize = 24;

static FONTS: Once = Once::new();

/// The panels drawn: the first `MAX_PANELS`.
fn shown(chart: &Chart) -> &[Panel] {
    &chart.panels[..chart.panels.len().min(MAX_PANELS)]
}

/// The chart's title, saying when not every panel is drawn.
fn title(chart: &Chart) -> String {
    if chart.panels.len() > MAX_PANELS {
        format!("{} (first {MAX_PANELS} of {}; all are in the tables)", chart.title, chart.panels.len())
    } else {
        chart.title.clone()
    }
}

fn register_fonts() {
    FONTS.call_once(|| {
        // The bytes are a font shipped with the source, so this cannot fail
        // at run time if it passed the tests.
        let normal = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok();
        let bold = plotters::style::register_font("sans-serif", FontStyle::Bold, FONT_BOLD).is_ok();
        assert!(normal && bold, "the embedded DejaVu Sans fonts did not load");
    });
}

/// Pixel size of a chart: wide enough for A4, taller with more panels.
pub fn size(chart: &Chart) -> (u32, u32) {
    let (rows, _) = grid(chart);
    match rows {
        0 | 1 => (1100, 520),
        r => (1100, 70 + 330 * r as u32),
    }
}

/// Rows and columns of panels: three across unless a panel's tick labels
/// would run into each other at that width.
fn grid(chart: &Chart) -> (usize, usize) {
    let n = shown(chart).len();
    let cols = match n {
        0 | 1 => 1,
        2 | 4 => 2,
        _ if widest_ticks(chart) > TICKS_PX_AT_THREE => 2,
        _ => 3,
    };
    (n.div_ceil(cols), cols)
}

/// Room for a panel's x tick labels at three panels across, in pixels.
const TICKS_PX_AT_THREE: f64 = 300.0;

/// The pixels a panel's x tick labels need side by side, at the tick
/// font's average character width, for the panel that needs most.
fn widest_ticks(chart: &Chart) -> f64 {
    const CHAR_PX: f64 = 6.0;
    shown(chart)
        .iter()
        .map(|p| {
            let ticks = if p.ticks.is_empty() { &chart.x_ticks } else { &p.ticks };
            let widest = ticks.iter().map(|t| t.chars().count()).max().unwrap_or(0);
            // Categorical axes give every tick the same slot.
            if matches!(chart.kind, ChartKind::Stacked | ChartKind::Bars) {
                ticks.len() as f64 * (widest as f64 + 2.0) * CHAR_PX
            } else {
                0.0
            }
        })
        .fold(0.0, f64::max)
}

/// The chart as an SVG document.
pub fn svg(chart: &Chart) -> Result<String, ExportError> {
    register_fonts();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, size(chart)).into_drawing_area();
        draw(chart, &root).map_err(|e| ExportError::Chart { chart: chart.id.to_string(), message: e.to_string() })?;
        root.present().map_err(|e| ExportError::Chart { chart: chart.id.to_string(), message: e.to_string() })?;
    }
    Ok(out)
}

/// Write the chart as a PNG file.
pub fn png(chart: &Chart, path: &Path) -> Result<(), ExportError> {
    register_fonts();
    let fail = |e: String| ExportError::Write { path: path.to_path_buf(), message: e };
    let root = BitMapBackend::new(path, size(chart)).into_drawing_area();
    draw(chart, &root).map_err(|e| fail(e.to_string()))?;
    root.present().map_err(|e| fail(e.to_string()))
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// The legend box every chart shares.
fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    c: &mut ChartContext<'a, DB, CT>,
    at: SeriesLabelPosition,
) -> DrawResult<DB> {
    c.configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font(("sans-serif", 11))
        .position(at)
        .draw()
}

fn draw<DB: DrawingBackend>(chart: &Chart, root: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let root = root.titled(&title(chart), ("sans-serif", 24).into_font().style(FontStyle::Bold))?;
    let (rows, cols) = grid(chart);
    let areas = root.split_evenly((rows, cols));
    for (panel, area) in shown(chart).iter().zip(&areas) {
        match chart.kind {
            ChartKind::Fan => fan(chart, panel, area)?,
            ChartKind::Histogram => histogram(chart, panel, area)?,
            ChartKind::Bars => bars(chart, panel, area)?,
            ChartKind::Stacked => stacked(chart, panel, area)?,
            ChartKind::Scatter => scatter(chart, panel, area)?,
        }
    }
    Ok(())
}

/// Panel titles shrink when long, so that three panels to a row keep
/// their titles whole.
fn caption_size(title: &str) -> u32 {
    match title.chars().count() {
        0..=34 => 17,
        35..=44 => 14,
        _ => 12,
    }
}

/// Where the y axis starts: zero, or a little under the lowest value.
fn bottom(chart: &Chart, panel: &Panel) -> f64 {
    if chart.from_zero {
        return 0.0;
    }
    let data = panel.series.iter().flat_map(|s| s.p10.iter()).copied().filter(|v| v.is_finite());
    let low = data.chain(panel.marker.as_ref().map(|m| m.value)).fold(f64::INFINITY, f64::min);
    if low.is_finite() && low > 0.0 { (low * 0.85).floor() } else { 0.0 }
}

/// Where the y axis ends: a little over the highest value, counting a
/// horizontal marker (a target) when there is one.
fn top(panel: &Panel, marker_on_y: bool) -> f64 {
    let data = panel.series.iter().flat_map(|s| s.p90.iter().chain(&s.p50)).copied().filter(|v| v.is_finite());
    let marker = panel.marker.as_ref().filter(|_| marker_on_y).map(|m| m.value);
    let max = data.chain(marker).fold(0.0_f64, f64::max);
    if max > 0.0 { max * 1.1 } else { 1.0 }
}

/// An axis label; on an axis that reaches millions every label is in
/// millions, so that "500,000" does not sit under "1.0m".
fn axis_number(v: f64, axis_top: f64) -> String {
    axis_number_over(v, axis_top, axis_top)
}

/// As `axis_number`, on an axis `span` wide: millions get as many decimal
/// places as it takes for six ticks across the span to read differently
/// (£2.72m, £2.74m rather than £2.7m, £2.7m).
fn axis_number_over(v: f64, axis_top: f64, span: f64) -> String {
    if (axis_top >= 1e6 && v != 0.0) || v.abs() >= 1e6 {
        let step = span / 6.0 / 1e6;
        let places = if step > 0.0 { (-step.log10()).ceil().clamp(1.0, 3.0) as usize } else { 1 };
        format!("{}m", crate::format::decimal(v / 1e6, places))
    } else if v.abs() >= 1000.0 || v == v.round() {
        thousands(v)
    } else {
        crate::format::decimal(v, 1)
    }
}

fn tick_label(ticks: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    ticks.get(i as usize).cloned().unwrap_or_default()
}

fn fan<DB: DrawingBackend>(chart: &Chart, panel: &Panel, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    let xs = panel.series.iter().flat_map(|s| s.x.last()).chain(panel.points.iter().map(|p| &p.0));
    let x_max = xs.copied().fold(1.0, f64::max);
    let n = x_max as usize + 1;
    let y_min = bottom(chart, panel);
    let y_top = top(panel, true).max(y_min + 1.0);
    let (corner, y_top) = legend_corner(chart, panel, area.dim_in_pixel(), x_max, y_min, y_top);
    let marks = x_marks(chart, n, x_max);
    let mut c = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", caption_size(&panel.title)))
        .margin(8)
        .margin_right(24) // room for the last date label
        .x_label_area_size(42)
        .y_label_area_size(62)
        .build_cartesian_2d(0.0..x_max, y_min..y_top)?;
    let y_fmt = |y: &f64| axis_number(*y, y_top);
    c.configure_mesh()
        .x_labels(0)
        .disable_x_mesh()
        .y_labels(6)
        .y_label_formatter(&y_fmt)
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()?;
    draw_x_labels(&mut c, area, chart, &marks, (y_min, y_top))?;
    draw_bands(&mut c, panel)?;
    draw_points(&mut c, panel, x_max)?;
    legend(&mut c, corner)
}

/// A fan chart's plotting area: days or periods across, values up.
type Plot<'a, DB> = ChartContext<
    'a,
    DB,
    plotters::coord::cartesian::Cartesian2d<
        plotters::coord::types::RangedCoordf64,
        plotters::coord::types::RangedCoordf64,
    >,
>;

/// Ticks where the summary asked (financial years), else evenly spread.
fn x_marks(chart: &Chart, n: usize, x_max: f64) -> Vec<f64> {
    if chart.x_marks.is_empty() {
        let step = (n as f64 / 6.0).ceil().max(1.0);
        (0..n).step_by(step as usize).map(|i| i as f64).collect()
    } else {
        chart.x_marks.iter().map(|&i| i as f64).filter(|&x| x <= x_max).collect()
    }
}

/// The x labels, drawn at the marks themselves: plotters places its own
/// where round numbers fall, not on the first month of a year.
fn draw_x_labels<'a, DB: DrawingBackend + 'a>(
    c: &mut Plot<'a, DB>,
    area: &DrawingArea<DB, Shift>,
    chart: &Chart,
    marks: &[f64],
    (y_min, y_top): (f64, f64),
) -> DrawResult<DB> {
    let grid = RGBColor(225, 225, 225);
    c.draw_series(marks.iter().map(|&x| PathElement::new(vec![(x, y_min), (x, y_top)], grid)))?;
    let (ox, oy) = area.get_base_pixel();
    let style = ("sans-serif", 12).into_font().color(&BLACK).pos(Pos::new(HPos::Center, VPos::Top));
    for &x in marks {
        let (px, py) = c.backend_coord(&(x, y_min));
        area.draw(&Text::new(tick_label(&chart.x_ticks, x), (px - ox, py - oy + 6), style.clone()))?;
    }
    Ok(())
}

/// Each series' P10-P90 band and P50 line; several series in the palette's colours.
fn draw_bands<'a, DB: DrawingBackend + 'a>(c: &mut Plot<'a, DB>, panel: &Panel) -> DrawResult<DB> {
    let several = panel.series.len() > 1;
    for (i, s) in panel.series.iter().enumerate() {
        let line = if several { PALETTE[i % PALETTE.len()] } else { LINE };
        let band = if several { line.mix(0.18) } else { BAND };
        let mut outline: Vec<(f64, f64)> = s.x.iter().zip(&s.p90).map(|(&x, &y)| (x, y)).collect();
        outline.extend(s.x.iter().zip(&s.p10).rev().map(|(&x, &y)| (x, y)));
        let drawn = c.draw_series(std::iter::once(Polygon::new(outline, band)))?;
        if !several {
            drawn.label("P10-P90").legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], band.filled()));
        }
        let label = if several { format!("{} (P50, P10-P90)", s.label) } else { "P50".to_string() };
        c.draw_series(LineSeries::new(s.x.iter().zip(&s.p50).map(|(&x, &y)| (x, y)), line.stroke_width(2)))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], line.stroke_width(2)));
    }
    Ok(())
}

/// Points and the marker line drawn over the bands.
fn draw_points<'a, DB: DrawingBackend + 'a>(c: &mut Plot<'a, DB>, panel: &Panel, x_max: f64) -> DrawResult<DB> {
    // Points before the first band are the history a forecast was fitted
    // to; the rest are actuals to hold against the band.
    let band_from = panel.series.iter().filter_map(|s| s.x.first()).copied().fold(f64::INFINITY, f64::min);
    let (fitted, actual): (Vec<_>, Vec<_>) = panel.points.iter().copied().partition(|p| p.0 < band_from);
    if !fitted.is_empty() {
        let grey = RGBColor(110, 110, 110);
        c.draw_series(fitted.iter().map(|&(x, y)| Circle::new((x, y), 4, grey.filled())))?
            .label("history fitted")
            .legend(move |(x, y)| Circle::new((x + 8, y), 4, grey.filled()));
    }
    if !actual.is_empty() {
        c.draw_series(actual.iter().map(|&(x, y)| Circle::new((x, y), 5, MARKER.filled())))?
            .label("actual")
            .legend(|(x, y)| Circle::new((x + 8, y), 5, MARKER.filled()));
    }
    if let Some(m) = &panel.marker {
        let line: Vec<(f64, f64)> = if m.steps.is_empty() {
            vec![(0.0, m.value), (x_max, m.value)]
        } else {
            m.steps.iter().enumerate().map(|(x, &v)| (x as f64, v)).collect()
        };
        c.draw_series(DashedLineSeries::new(line, 6, 4, MARKER.stroke_width(2)))?
            .label(m.label.as_str())
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], MARKER.stroke_width(2)));
    }
    Ok(())
}

/// The corner of a fan panel where the legend covers least of the data,
/// preferring the one the chart asks for; if every top corner is covered,
/// the y axis grows until the chosen one is clear.
fn legend_corner(
    chart: &Chart,
    panel: &Panel,
    (width, height): (u32, u32),
    x_max: f64,
    y_min: f64,
    y_top: f64,
) -> (SeriesLabelPosition, f64) {
    use SeriesLabelPosition::{LowerLeft, LowerRight, UpperLeft, UpperRight};
    let several = panel.series.len() > 1;
    let mut labels: Vec<usize> =
        if several { panel.series.iter().map(|s| s.label.len() + 16).collect() } else { vec![7, 3] };
    labels.extend(panel.marker.iter().map(|m| m.label.len()));
    labels.extend(std::iter::repeat_n(14, usize::from(!panel.points.is_empty()) * 2));
    // The legend's share of the plot, from its text at 11 px.
    let plot_w = (f64::from(width) - 100.0).max(50.0);
    let plot_h = (f64::from(height) - 110.0).max(50.0);
    let box_w = ((labels.iter().max().copied().unwrap_or(8) as f64 * 6.5 + 44.0) / plot_w).min(0.9);
    let box_h = ((labels.len() as f64 * 15.0 + 16.0) / plot_h).min(0.8);
    // The highest (and lowest) value in the legend's columns.
    let span = |left: bool| {
        let (lo, hi) = if left { (0.0, box_w * x_max) } else { ((1.0 - box_w) * x_max, x_max) };
        let mut top = f64::NEG_INFINITY;
        let mut low = f64::INFINITY;
        for s in &panel.series {
            for (i, &x) in s.x.iter().enumerate() {
                if (lo..=hi).contains(&x) {
                    for v in [s.p10.get(i), s.p50.get(i), s.p90.get(i)].into_iter().flatten() {
                        if v.is_finite() {
                            top = top.max(*v);
                            low = low.min(*v);
                        }
                    }
                }
            }
        }
        (low, top)
    };
    let range = y_top - y_min;
    let clear = |corner: &SeriesLabelPosition| {
        let (low, top) = span(matches!(corner, UpperLeft | LowerLeft));
        match corner {
            UpperLeft | UpperRight => top < y_top - box_h * range,
            _ => low > y_min + box_h * range,
        }
    };
    let order = if chart.legend == "lower" {
        [LowerRight, LowerLeft, UpperRight, UpperLeft]
    } else {
        [UpperLeft, UpperRight, LowerRight, LowerLeft]
    };
    if let Some(c) = order.iter().find(|c| clear(c)) {
        return (c.clone(), y_top);
    }
    // No corner is clear: raise the top above the lower of the two upper corners' data.
    let (left, right) = (span(true).1, span(false).1);
    let (corner, high) = if left <= right { (UpperLeft, left) } else { (UpperRight, right) };
    let grown = y_min + (high - y_min) / (1.0 - box_h) * 1.03;
    (corner, grown.max(y_top))
}

fn histogram<DB: DrawingBackend>(chart: &Chart, panel: &Panel, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    // Bins are equally wide and start at x; the deadline marker is a
    // number of days, on the x axis.
    let width = |s: &Series| if s.x.len() > 1 { s.x[1] - s.x[0] } else { 1.0 };
    let x_max = panel.series.iter().map(|s| s.x.last().map_or(1.0, |&x| x + width(s))).fold(2.0, f64::max);
    let (corner, y_top) = legend_corner(chart, panel, area.dim_in_pixel(), x_max, 0.0, top(panel, false));
    let mut c = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", caption_size(&panel.title)))
        .margin(8)
        .margin_right(20)
        .x_label_area_size(42)
        .y_label_area_size(52)
        .build_cartesian_2d(0.0..x_max, 0.0..y_top)?;
    let y_fmt = |y: &f64| axis_number(*y, y_top);
    let x_fmt = |x: &f64| thousands(*x);
    c.configure_mesh()
        .x_labels(8)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()?;
    for s in &panel.series {
        let w = width(s);
        c.draw_series(s.x.iter().zip(&s.p50).map(|(&x, &y)| Rectangle::new([(x, 0.0), (x + w, y)], BAR.filled())))?
            .label(s.label.as_str())
            .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], BAR.filled()));
    }
    if let Some(m) = &panel.marker {
        // A deadline is a number of days; other markers say what they are.
        let text = if chart.x_label.contains("days") {
            format!("{} ({} days)", m.label, thousands(m.value))
        } else {
            m.label.clone()
        };
        c.draw_series(DashedLineSeries::new(vec![(m.value, 0.0), (m.value, y_top)], 6, 4, MARKER.stroke_width(2)))?
            .label(text)
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], MARKER.stroke_width(2)));
    }
    legend(&mut c, corner)
}

fn bars<DB: DrawingBackend>(chart: &Chart, panel: &Panel, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    let n = chart.x_ticks.len().max(1);
    // Shares run to 100%; other measures to a little above the tallest
    // whisker or marker, with room over it for the legend.
    let tallest = top(panel, true);
    let y_top = if chart.y_label.contains('%') { tallest.max(100.0) } else { (tallest * 1.35).max(1.0) };
    let mut builder = ChartBuilder::on(area);
    if !panel.title.is_empty() {
        builder.caption(&panel.title, ("sans-serif", caption_size(&panel.title)));
    }
    let mut c = builder
        .margin(12)
        .x_label_area_size(if chart.x_label.is_empty() { 30 } else { 90 })
        .y_label_area_size(60)
        .build_cartesian_2d(-0.5..(n as f64 - 0.5), 0.0..y_top)?;
    let ticks = &chart.x_ticks;
    let label = |x: &f64| tick_label(ticks, *x);
    let y_fmt = |y: &f64| axis_number(*y, y_top);
    c.configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&label)
        .y_label_formatter(&y_fmt)
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()?;
    for s in &panel.series {
        c.draw_series(
            s.x.iter().zip(&s.p50).map(|(&x, &y)| Rectangle::new([(x - 0.35, 0.0), (x + 0.35, y)], BAR.filled())),
        )?
        .label("P50")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], BAR.filled()));
        c.draw_series(
            s.x.iter()
                .zip(s.p10.iter().zip(&s.p90))
                .filter(|(_, (lo, hi))| lo != hi)
                .map(|(&x, (&lo, &hi))| PathElement::new(vec![(x, lo), (x, hi)], LINE.stroke_width(2))),
        )?
        .label("P10-P90")
        .legend(|(x, y)| PathElement::new(vec![(x + 8, y - 6), (x + 8, y + 6)], LINE.stroke_width(2)));
    }
    if let Some(m) = &panel.marker {
        // One level across the chart, or a level per bar (a budget that
        // differs from year to year, or is missing for some).
        let levels: Vec<(f64, f64, f64)> = if m.steps.is_empty() {
            vec![(-0.5, n as f64 - 0.5, m.value)]
        } else {
            m.steps
                .iter()
                .enumerate()
                .filter(|(_, v)| v.is_finite())
                .map(|(x, &v)| (x as f64 - 0.45, x as f64 + 0.45, v))
                .collect()
        };
        c.draw_series(
            levels.into_iter().map(|(from, to, v)| PathElement::new(vec![(from, v), (to, v)], MARKER.stroke_width(2))),
        )?
        .label(m.label.as_str())
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], MARKER.stroke_width(2)));
    }
    legend(&mut c, SeriesLabelPosition::UpperRight)
}

/// One bar per category, its series stacked (P50), each series a shade.
fn stacked<DB: DrawingBackend>(chart: &Chart, panel: &Panel, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    let ticks = if panel.ticks.is_empty() { &chart.x_ticks } else { &panel.ticks };
    let n = ticks.len().max(1);
    let heights: Vec<f64> = (0..n)
        .map(|i| panel.series.iter().map(|s| s.p50.get(i).copied().filter(|v| v.is_finite()).unwrap_or(0.0)).sum())
        .collect();
    let whisker_top = panel.whiskers.iter().map(|w| w.1).filter(|v| v.is_finite()).fold(0.0, f64::max);
    // Layers that are nothing in every bar (no agency, say) stay out of
    // the legend too.
    let layers: Vec<&Series> =
        panel.series.iter().filter(|s| s.p50.iter().any(|v| v.is_finite() && *v != 0.0)).collect();
    // Room above the tallest bar for the legend, so it never covers a bar.
    let entries = layers.len() + usize::from(!panel.whiskers.is_empty());
    let plot_px = (area.dim_in_pixel().1 as f64 - 110.0).max(100.0);
    let legend_share = ((18 * entries + 20) as f64 / plot_px).min(0.6);
    let y_top = heights.iter().copied().fold(whisker_top, f64::max).max(1.0) * 1.05 / (1.0 - legend_share);
    let mut c = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", caption_size(&panel.title)))
        .margin(10)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d(-0.5..(n as f64 - 0.5), 0.0..y_top)?;
    let label = |x: &f64| tick_label(ticks, *x);
    let y_fmt = |y: &f64| axis_number(*y, y_top);
    c.configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&label)
        .y_label_formatter(&y_fmt)
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()?;
    let mut base = vec![0.0; n];
    // Two layers are light and dark shades of one colour (waiting, in
    // progress); more take the palette.
    let shades = panel.series.len() <= 2;
    for (k, s) in panel.series.iter().enumerate() {
        if !layers.iter().any(|l| std::ptr::eq(*l, s)) {
            continue;
        }
        let colour = match (shades, k % 2) {
            (true, 0) => BAR,
            (true, _) => LINE,
            (false, _) => PALETTE[k % PALETTE.len()],
        };
        let bars: Vec<Rectangle<(f64, f64)>> = (0..n)
            .map(|i| {
                let v = s.p50.get(i).copied().filter(|v| v.is_finite()).unwrap_or(0.0);
                let r = Rectangle::new([(i as f64 - 0.3, base[i]), (i as f64 + 0.3, base[i] + v)], colour.filled());
                base[i] += v;
                r
            })
            .collect();
        c.draw_series(bars)?
            .label(s.label.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 16, y + 5)], colour.filled()));
    }
    if !panel.whiskers.is_empty() {
        let black = RGBColor(30, 30, 30);
        c.draw_series(
            panel
                .whiskers
                .iter()
                .enumerate()
                .map(|(i, &(lo, hi))| PathElement::new(vec![(i as f64, lo), (i as f64, hi)], black.stroke_width(2))),
        )?
        .label("total: P10-P90")
        .legend(move |(x, y)| PathElement::new(vec![(x + 8, y - 6), (x + 8, y + 6)], black.stroke_width(2)));
    }
    legend(&mut c, SeriesLabelPosition::UpperRight)
}

/// Labelled points: x and y from each series (`x`, `p50`), labels from the
/// panel's ticks in point order.
fn scatter<DB: DrawingBackend>(chart: &Chart, panel: &Panel, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
    let xs = panel.series.iter().flat_map(|s| s.x.iter()).copied().filter(|v| v.is_finite());
    let (x_min, x_max) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(v), hi.max(v)));
    let (x_min, x_max) = if x_min.is_finite() { (x_min, x_max) } else { (0.0, 1.0) };
    let pad = ((x_max - x_min) * 0.08).max(x_max.abs() * 0.02).max(1.0);
    let y_top = top(panel, true).max(1.0);
    let mut c = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", caption_size(&panel.title)))
        .margin(12)
        .margin_right(30)
        .x_label_area_size(44)
        .y_label_area_size(56)
        .build_cartesian_2d((x_min - pad)..(x_max + pad), 0.0..y_top)?;
    let x_top = x_max + pad;
    let x_span = x_top - (x_min - pad);
    let x_fmt = |x: &f64| axis_number_over(*x, x_top, x_span);
    let y_fmt = |y: &f64| axis_number(*y, y_top);
    c.configure_mesh()
        .x_labels(6)
        .y_labels(6)
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .label_style(("sans-serif", 12))
        .axis_desc_style(("sans-serif", 13))
        .light_line_style(TRANSPARENT)
        .bold_line_style(RGBColor(225, 225, 225))
        .draw()?;
    for (k, s) in panel.series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let points: Vec<(f64, f64)> = s.x.iter().copied().zip(s.p50.iter().copied()).collect();
        let labels: Vec<String> = if k == 0 { panel.ticks.clone() } else { Vec::new() };
        c.draw_series(points.iter().enumerate().map(|(i, &p)| {
            let text = labels.get(i).cloned().unwrap_or_default();
            EmptyElement::at(p)
                + Circle::new((0, 0), 5, colour.filled())
                + Text::new(text, (8, -16), ("sans-serif", 13).into_font().color(&RGBColor(40, 40, 40)))
        }))?
        .label(s.label.as_str())
        .legend(move |(x, y)| Circle::new((x + 8, y), 5, colour.filled()));
    }
    if let Some(m) = &panel.marker {
        c.draw_series(DashedLineSeries::new(
            vec![(x_min - pad, m.value), (x_max + pad, m.value)],
            6,
            4,
            MARKER.stroke_width(2),
        ))?
        .label(m.label.as_str())
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], MARKER.stroke_width(2)));
    }
    legend(&mut c, SeriesLabelPosition::LowerRight)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_across_a_narrow_range_of_millions_read_differently() {
        let ticks: Vec<String> = (0..6).map(|i| axis_number_over(2.70e6 + 0.02e6 * i as f64, 2.82e6, 0.12e6)).collect();
        assert_eq!(ticks, ["2.70m", "2.72m", "2.74m", "2.76m", "2.78m", "2.80m"]);
        assert_eq!(axis_number(3.0e6, 9.0e6), "3.0m", "a wide axis keeps one place");
    }
}
