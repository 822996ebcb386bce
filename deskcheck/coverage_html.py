"""The coverage map as one self-contained HTML page (inline CSS, no script): Allure shows it as a global
attachment and a browser opens it from disk (reports/coverage-map.html).

One table: a row per integration edge, agent state and interaction state, a column per surface; each cell
lists the scenarios that asserted it there. A gap (a surface that shows that kind of row, no scenario) is
an empty red cell; a surface that never shows it reads "not shown". Below it, what each scenario
exercised and asserted.
"""
from __future__ import annotations

import html

from deskcheck.coverage_map import SURFACES, CoverageMap, scenario_summary

_CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#1f2328}
h1{font-size:18px;margin:0 0 4px} h2{font-size:15px;margin:20px 0 6px} .meta{color:#57606a;margin:0 0 12px}
table{border-collapse:collapse;font-size:12px}
th,td{border:1px solid #d0d7de;text-align:left;padding:3px 6px;vertical-align:top}
thead th{background:#eaeef2;position:sticky;top:0}
th.group{background:#f6f8fa;font-size:13px}
td.covered{background:#dafbe1} td.gap{background:#ffebe9;border:2px solid #cf222e}
td.not-shown{background:#f6f8fa;color:#8c959f;font-style:italic}
td.exercised{color:#57606a}
ul{margin:0;padding-left:16px} .count{font-weight:600}
"""


def _names(scenarios: list[str], titles: dict[str, str]) -> str:
    return "<ul>" + "".join(f"<li title='{html.escape(titles.get(s, s), quote=True)}'>{html.escape(s)}</li>"
                            for s in scenarios) + "</ul>"


def render(coverage: CoverageMap, title: str = "Coverage map") -> str:
    """The map as HTML; cells carry data-row and data-surface (and data-scenarios) for tools."""
    gaps, filled = len(coverage.gaps()), coverage.filled()
    head = "".join(f"<th scope='col'>{html.escape(s)}</th>" for s in SURFACES)
    body, group = [], None
    titles = {r.get("label") or r["name"]: r["name"] for r in coverage.scenarios}
    for row in coverage.rows:
        if row.group != group:
            group = row.group
            body.append(f"<tr><th class='group' colspan='{len(SURFACES) + 2}' scope='rowgroup'>{html.escape(group)}</th></tr>")
        exercised = (f"<td class='exercised'><span class='count'>{len(row.exercised_by)}</span>"
                     f"{_names(row.exercised_by, titles)}</td>" if row.group == "Integration edges" else "<td></td>")
        cells = []
        for surface in SURFACES:
            cell = row.cells[surface]
            attrs = f"data-row='{html.escape(row.name, quote=True)}' data-surface='{html.escape(surface, quote=True)}'"
            if cell.scenarios:  # what ran outweighs the declaration of what a surface shows
                cells.append(f"<td class='covered' {attrs} data-scenarios='{len(cell.scenarios)}'>{_names(cell.scenarios, titles)}</td>")
            elif not cell.shown:
                cells.append(f"<td class='not-shown' {attrs}>not shown</td>")
            else:
                cells.append(f"<td class='gap' {attrs} data-scenarios='0'></td>")
        body.append(f"<tr><th scope='row'>{html.escape(row.name)}</th>{exercised}{''.join(cells)}</tr>")
    scenario_rows = []
    for record in coverage.scenarios:
        summary = scenario_summary(record)
        facts = "".join(f"<td>{html.escape(', '.join(v) or '-')}</td>" for v in summary.values())
        label = record.get("label") or record["name"]
        scenario_rows.append(f"<tr><th scope='row'>{html.escape(label)}</th><td>{html.escape(record['name'])}</td>"
                             f"<td>{html.escape(record.get('outcome', ''))}</td>{facts}</tr>")
    summary_head = "".join(f"<th scope='col'>{html.escape(k)}</th>" for k in
                           scenario_summary({}).keys())
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_CSS}</style></head><body>
<h1>{html.escape(title)}</h1>
<p class="meta">{len(coverage.scenarios)} scenarios; {filled} cells asserted, <span class="count">{gaps} gaps</span>
(red: a surface that shows this, and no scenario asserted it there). Edges: a change crossed it (events) and its far
side was then checked on that surface.</p>
<table aria-label="Coverage map"><thead><tr><th scope="col">Edge or state</th><th scope="col">exercised by</th>{head}</tr></thead>
<tbody>{''.join(body)}</tbody></table>
<h2>Each scenario</h2>
<table aria-label="Scenarios"><thead><tr><th scope="col">Scenario</th><th scope="col">name</th><th scope="col">outcome</th>{summary_head}</tr></thead>
<tbody>{''.join(scenario_rows)}</tbody></table>
</body></html>"""
