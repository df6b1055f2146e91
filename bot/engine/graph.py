"""Draw a dialog's flow as a Mermaid flowchart."""

from __future__ import annotations

from bot.engine.model import END, Dialog, Group, Question, Say, Step


def _label(step: Step) -> str:
    if isinstance(step, Say):
        text = step.text.ja
    elif isinstance(step, Group):
        text = f"{step.item.ja} ×{step.min_count}..{step.max_count}"
    else:
        text = f"{step.prompt.ja} [{step.answer.kind}]"
    text = " ".join(text.split())
    text = text if len(text) <= 40 else text[:39] + "…"
    return text.replace('"', "'")


def mermaid(dialog: Dialog) -> str:
    """The flow of ``dialog``: steps, conditions, jumps and the closing summary."""
    lines = ["flowchart TD", f'  start(["{dialog.id} v{dialog.version}"])']
    for step in dialog.steps:
        shape = ('[/"', '"/]') if isinstance(step, Say) else ('["', '"]')
        if isinstance(step, Group):
            shape = ('[["', '"]]')
        lines.append(f"  {step.id}{shape[0]}{step.id}: {_label(step)}{shape[1]}")
    lines.append('  summary{{"summary"}}' if dialog.summary else '  summary(["end"])')
    lines.append(f"  start --> {dialog.steps[0].id}")
    for index, step in enumerate(dialog.steps):
        following = dialog.steps[index + 1].id if index + 1 < len(dialog.steps) else "summary"
        if step.next is not None:
            target = "summary" if step.next == END else step.next
            lines.append(f"  {step.id} --> {target}")
        else:
            lines.append(f"  {step.id} --> {following}")
        if step.when is not None:
            condition = step.when.source.replace('"', "'")
            lines.append(f'  {step.id} -. "not ({condition})" .-> {following}')
        if isinstance(step, Group):
            lines.append(f'  {step.id} -- "{_more_label(step)}" --> {step.id}')
        if isinstance(step, Question) and step.action:
            lines.append(f"  %% {step.id} sets {step.action}")
    if dialog.then:
        lines.append(f'  summary --> then(["→ {dialog.then}"])')
    return "\n".join(lines) + "\n"


def _more_label(group: Group) -> str:
    return "add another"
