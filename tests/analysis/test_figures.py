"""Figures: same bytes every time; synthetic mark on synthetic figures only, under the labels."""

from peacekeeping_interviews.analysis.figures import SYNTHETIC_MARK, figure, figure_bytes


def draw(synthetic: bool):
    with figure(4, 3, synthetic) as fig:
        axes = fig.add_subplot()
        axes.plot([1, 3, 2])
        axes.set_xlabel("Interviews")
        drawn = figure_bytes(fig)
        renderer = fig.canvas.get_renderer()
        label = axes.xaxis.label.get_window_extent(renderer)
        marks = [t.get_window_extent(renderer) for t in fig.texts if t.get_text() == SYNTHETIC_MARK]
    return drawn, label, marks


def test_same_figure_same_bytes():
    assert draw(True)[0] == draw(True)[0]
    assert draw(False)[0] == draw(False)[0]


def test_synthetic_figures_carry_the_mark_below_the_axis_label():
    drawn, label, marks = draw(True)
    assert SYNTHETIC_MARK.encode() in drawn["svg"]
    assert len(marks) == 1 and marks[0].y1 < label.y0
    plain, _, none = draw(False)
    assert SYNTHETIC_MARK.encode() not in plain["svg"] and none == []
    assert plain["png"] != drawn["png"]
