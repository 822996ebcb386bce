"""docs/steps.html: the step catalogue and the glossary on one static page with a search box.

One self-contained file (no network, works from ``file://`` and from the Allure report's link): type
words and only the steps and glossary sections holding all of them stay; a concept menu narrows to one
business concept; ``steps.html?q=hold`` opens with a search already typed.
"""
from __future__ import annotations

import html
from pathlib import Path

from deskcheck import glossary, stepdefs
from deskcheck.catalogue import Entry, by_concept, entries, glossary_section, needs_text, table_lines
from deskcheck.glossary_render import inline_html, render_html
from deskcheck.stepdefs import ROOT, StepDef

STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 70rem; padding: 0 1rem 4rem; color: #1b1b1b; }
header { position: sticky; top: 0; background: #fff; padding: .5rem 0; border-bottom: 1px solid #ccc; z-index: 1; }
label { font-weight: 600; margin-right: .5rem; }
input[type=search] { font-size: 1.1rem; width: 28rem; max-width: 90%; padding: .3rem; }
select { font-size: 1rem; padding: .25rem; }
.entry { border-bottom: 1px solid #e4e4e4; padding: .4rem 0 .8rem; }
.entry h3 { font-size: 1rem; margin: .6rem 0 .3rem; }
.entry h3 code { font-size: 1rem; }
code, pre { background: #f3f3f3; border-radius: 3px; }
pre { padding: .5rem; overflow-x: auto; }
dt { font-weight: 600; } dd { margin: 0 0 .3rem 1rem; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid #ccc; padding: .2rem .4rem; text-align: left; }
caption { text-align: left; font-weight: 600; }
a { color: #0b57a4; } #count { margin: .3rem 0 0; color: #3b3b3b; }
"""

SCRIPT = """
(function () {
  const search = document.getElementById("search");
  const concept = document.getElementById("concept");
  const count = document.getElementById("count");
  const entries = Array.from(document.querySelectorAll(".entry"));
  const sections = Array.from(document.querySelectorAll("section.concept, section#glossary"));
  function filter() {
    const words = search.value.toLowerCase().split(/\\s+/).filter(Boolean);
    const only = concept.value;
    let shown = 0;
    for (const entry of entries) {
      const text = entry.textContent.toLowerCase();
      const visible = (!only || entry.dataset.concept === only) && words.every(w => text.includes(w));
      entry.hidden = !visible;
      if (visible) shown += 1;
    }
    for (const section of sections) {
      section.hidden = !section.querySelector(".entry:not([hidden])");
    }
    count.textContent = shown === 1 ? "1 match" : shown + " matches";
  }
  search.addEventListener("input", filter);
  concept.addEventListener("change", filter);
  const asked = new URLSearchParams(location.search).get("q");
  if (asked) search.value = asked;
  filter();
})();
"""


def catalogue_link() -> str:
    """Where the searchable catalogue is, for the Allure report's environment (a file: URL into this checkout)."""
    from deskcheck.catalogue import HTML

    return HTML.as_uri()


def _entry_html(entry: Entry, index: int) -> str:
    definition: StepDef = entry.first
    out = [f'<article class="entry" data-concept="{entry.concept.key}" id="step-{index}">',
           f"<h3><code>{html.escape(entry.heading)}</code></h3>"]
    out += [f"<p>{html.escape(p)}</p>" for p in (definition.doc() or "(no meaning written)").split("\n\n")]
    out.append("<dl>")
    params = definition.parameters()
    if params:
        items = []
        for name, kind in params:
            section = glossary_section(name, entry.concept.key)
            link = f' (values: <a href="#glossary-{section}">glossary</a>)' if section else ""
            items.append(f"<li><code>{html.escape(name)}</code>: {html.escape(kind)}{link}</li>")
        out.append(f"<dt>Parameters</dt><dd><ul>{''.join(items)}</ul></dd>")
    if definition.takes_table:
        out.append("<dt>Data table</dt><dd>yes, under the step line</dd>")
    if entry.example:
        lines = [entry.example.line, *(f"  {row}" for row in table_lines(entry.example.table))]
        out.append(f"<dt>Example</dt><dd><pre>{html.escape(chr(10).join(lines))}</pre>"
                   f"<small>{html.escape(entry.example.where)}</small></dd>")
    else:
        out.append("<dt>Example</dt><dd>none yet: no feature uses this step</dd>")
    out.append(f"<dt>Needs</dt><dd>{inline_html(needs_text(definition))}</dd>")
    out.append(f"<dt>Defined in</dt><dd><code>{html.escape(entry.where)}</code> "
               f"(<code>{html.escape(definition.func.__name__)}</code>)</dd>")
    out.append("</dl></article>")
    return "\n".join(out)


def render(defs: list[StepDef] | None = None, root: Path = ROOT, glossary_data: dict | None = None) -> str:
    defs = stepdefs.load_step_definitions(root) if defs is None else defs
    data = glossary.load() if glossary_data is None else glossary_data
    found = entries(defs, root)
    groups = by_concept(found)
    options = "".join(f'<option value="{c.key}">{html.escape(c.title)} ({len(g)})</option>' for c, g in groups)
    body = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>deskcheck: step catalogue and glossary</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
        "<!-- Generated by `deskcheck steps` from steps/*.py, features/ and docs/glossary.json: do not edit by hand. -->",
        "<header>", "<h1>Step catalogue and glossary</h1>",
        f"<p>{len(found)} steps by business concept, and the target's own values "
        f"({html.escape(str(data.get('target', 'target')))}). Type words to keep only what holds all of them.</p>",
        '<label for="search">Search</label>'
        '<input type="search" id="search" placeholder="e.g. hold, wrap-up, Lunch, first reply" autocomplete="off">',
        '<label for="concept">Concept</label>'
        f'<select id="concept"><option value="">All concepts</option>{options}'
        '<option value="glossary">Glossary</option></select>',
        '<p id="count" role="status" aria-live="polite"></p>', "</header>", "<main>",
        "<nav aria-label=\"Concepts\"><ul>"
        + "".join(f'<li><a href="#{c.anchor}">{html.escape(c.title)}</a> ({len(g)})</li>' for c, g in groups)
        + '<li><a href="#glossary">Glossary</a></li></ul></nav>',
    ]
    index = 0
    for concept, group in groups:
        body.append(f'<section class="concept" id="{concept.anchor}" aria-labelledby="{concept.anchor}-title">')
        body.append(f'<h2 id="{concept.anchor}-title">{html.escape(concept.title)}</h2>'
                    f"<p>{html.escape(concept.about)}</p>")
        for entry in group:
            index += 1
            body.append(_entry_html(entry, index))
        body.append("</section>")
    body += ['<section id="glossary" aria-labelledby="glossary-title">', '<h2 id="glossary-title">Glossary</h2>',
             render_html(data, defs), "</section>", "</main>", f"<script>{SCRIPT}</script>", "</body>", "</html>"]
    return "\n".join(body) + "\n"
