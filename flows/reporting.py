"""Prefect artifacts for a run: a Spanish markdown summary and a table of (masked) findings."""

from __future__ import annotations

from datos_cali.outcomes import label


def summary_markdown(job, run, submission) -> str:
    lines = [
        f"# {job.dataset.title}",
        "",
        f"- **Resultado:** {label(run.outcome)}",
        f"- **Organismo:** {job.dataset.organismo}",
    ]
    if submission is not None:
        lines += [
            f"- **Archivo:** {submission.pulled.file_name} (SHA-256 `{submission.sha256}`)",
            f"- **Filas:** {submission.result.rows}",
            f"- **Errores / advertencias:** {len(submission.result.errors)} / {len(submission.result.warnings)}",
        ]
    if run.message:
        lines.append(f"- **Nota:** {run.message}")
    if run.targets:
        lines += [
            "",
            "| Portal | Resultado | Creadas | Actualizadas | Eliminadas | Enlace |",
            "|---|---|---|---|---|---|",
        ]
        for t in run.targets:
            link = f"[abrir]({t.url})" if t.url else "—"
            lines.append(
                f"| {t.target} | {label(t.outcome)} | {t.created} | {t.updated} | {t.deleted} | {link} |"
            )
    if run.report_path:
        lines += ["", f"Informe JSON: `{run.report_path}`"]
    return "\n".join(lines)


def findings_table(findings) -> list[dict]:
    return [
        {
            "tipo": f.kind.value,
            "código": f.code,
            "columna": f.column or "",
            "filas": ", ".join(map(str, f.rows[:10])),
            "cantidad": f.count,
            "severidad": f.severity.value,
            "mensaje": f.message,
        }
        for f in findings
    ]


def sweep_table(runs) -> list[dict]:
    return [
        {
            "conjunto": run.slug,
            "resultado": label(run.outcome),
            "filas": run.rows if run.rows is not None else "",
            "nuevas": sum(t.created for t in run.targets),
            "cambiadas": sum(t.updated for t in run.targets),
            "borradas": sum(t.deleted for t in run.targets),
            "errores": run.errors,
            "advertencias": run.warnings,
            "nota": run.message or "",
        }
        for run in sorted(runs, key=lambda r: r.slug)
    ]
