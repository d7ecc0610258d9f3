"""Small frameworks shared by the tests (text written to a file by each test)."""

#: One pillar, one indicator and three questions: binary Q1, scale Q2 (none / partial /
#: in_place), numeric Q3 on goalposts 0-10. Used where every answer type must be read alike.
THREE_TYPES = """\
framework: t
scales:
  impl: {levels: {none: 0, partial: 0.5, in_place: 1}}
pillars:
  - code: P1
    name: P1
    children:
      - code: I1
        name: I1
        children:
          - {code: Q1, name: q1, type: binary}
          - {code: Q2, name: q2, type: scale, scale: impl}
          - {code: Q3, name: q3, type: numeric, goalposts: [0, 10]}
"""
