"""Strings of the plans' key tasks (规划主要任务): task page tab and department view."""

STRINGS: dict[str, tuple[str, str]] = {
    "ptasks.tab": ("规划主要任务", "Plans' key tasks"),
    "ptasks.caption": (
        "两部五年规划“主要任务/重点任务”的逐条进展，由牵头部门按年度报送（完成程度：未启动、推进中、基本完成、已完成）。",
        "Yearly progress of the five-year plans' key tasks, reported by the lead department "
        "(not started, in progress, mostly done, done).",
    ),
    "ptasks.plan": ("规划", "Plan"),
    "ptasks.year": ("年度", "Year"),
    "ptasks.col.section": ("条款", "Clause"),
    "ptasks.col.title": ("任务", "Task"),
    "ptasks.col.lead": ("牵头部门", "Lead"),
    "ptasks.col.year": ("报送年度", "Year reported"),
    "ptasks.col.degree": ("完成程度", "Degree"),
    "ptasks.col.progress": ("进展情况", "Progress"),
    "ptasks.form.title": ("填报年度进展", "Report yearly progress"),
    "ptasks.form.task": ("任务", "Task"),
    "ptasks.form.dept": ("填报部门（牵头部门）", "Reporting department (lead)"),
    "ptasks.form.degree": ("完成程度", "Degree of completion"),
    "ptasks.form.progress": ("进展情况", "Progress"),
    "ptasks.form.evidence": ("佐证材料链接", "Evidence link"),
    "ptasks.form.user": ("填报人", "Reported by"),
    "ptasks.form.submit": ("保存年度进展", "Save yearly progress"),
    "ptasks.form.refused": ("未保存，请修改：", "Not saved, please fix:"),
    "ptasks.form.saved": ("已保存：{task} {year}年 {degree}", "Saved: {task} {year} {degree}"),
    "ptasks.history": ("进展记录", "History"),
    "ptasks.history.none": ("还没有进展记录。", "No records yet."),
    "ptasks.hist.recorded": ("录入时间", "Recorded"),
    "ptasks.bulk.title": ("批量填报（Excel）", "Bulk (Excel)"),
    "ptasks.bulk.template": ("下载主要任务进展模板", "Download the template"),
    "ptasks.bulk.file": ("上传填好的模板（.xlsx）", "Upload the filled template (.xlsx)"),
    "ptasks.bulk.submit": ("导入", "Import"),
    "ptasks.bulk.nofile": ("请先选择文件。", "Choose a file first."),
    "ptasks.bulk.refused": (
        "{file} 未导入（整份文件未写入），共 {n} 个问题，见下方检查结果；"
        "请按“问题与修改方法”修改后重新导入。",
        "{file} was not imported (nothing stored): {n} problems, listed below; "
        "fix them and import again.",
    ),
    "ptasks.bulk.loaded": (
        "已导入 {file}：{n} 条进展（批次 #{batch}，可用 rollback 撤回）",
        "Imported {file}: {n} rows (batch #{batch}; undo with rollback)",
    ),
    "ptasks.dept": ("牵头的规划主要任务", "Plan key tasks it leads"),
    "ptasks.dept.none": ("该部门不牵头规划主要任务。", "This department leads no plan key task."),
    "ptasks.none": ("未登记规划主要任务。", "No plan key task registered."),
}
