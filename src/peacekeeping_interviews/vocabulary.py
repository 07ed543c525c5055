"""Words the release and the results share, written once: the marker of a value withheld by
disclosure control, and the directions a coded response can take."""

# A released cell that disclosure control withheld (a masked count, a suppressed attribute).
WITHHELD = "*"
# A response's direction on the conciliation-confrontation spectrum; "none" when it has none.
DIRECTIONS = ("confrontational", "conciliatory", "none")
