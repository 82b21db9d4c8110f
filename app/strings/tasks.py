"""Strings of the task page (任务进展)."""

STRINGS: dict[str, tuple[str, str]] = {
    "tasks.evidence.file": ("附件（见进展记录）", "Attachment (see the update history)"),
    "tasks.col.seq": ("序号", "No."),
    "tasks.seq": ("第{n}项", "item {n}"),
    "tasks.hist.date": ("进展日期", "Date"),
    "tasks.hist.status": ("状态", "Status"),
    "tasks.hist.note": ("进展说明", "Note"),
    "tasks.hist.evidence": ("佐证材料", "Evidence"),
    "tasks.hist.user": ("填报人", "By"),
    "tasks.hist.recorded": ("录入时间", "Recorded"),
    "tasks.title": ("任务与里程碑进展", "Tasks and milestones"),
    "tasks.caption": (
        "状态按评估基准日判定：已完成（按期）、逾期完成、进行中（未到完成时限）、逾期（已过完成时限仍未完成）。"
        "括号内为最新一条进展本身的状态：未开始、无进展记录；长期坚持的任务按期完成一次即为已完成。",
        "Status at the as-of date: done (on time), done late, in progress (not yet due), overdue "
        "(past due, not done). In brackets: the latest update's own state (not started, no "
        "update). A recurring (长期坚持) task done once by its due date counts as done.",
    ),
    "tasks.filter.plan": ("计划", "Plan"),
    "tasks.filter.unit": ("责任单位", "Responsible unit"),
    "tasks.filter.status": ("状态", "Status"),
    "tasks.filter.all": ("全部", "All"),
    "tasks.count.total": ("任务与里程碑", "Items"),
    "tasks.count.soon": ("30日内到期", "Due within 30 days"),
    "tasks.tab.board": ("任务看板", "Board"),
    "tasks.tab.rates": ("按期完成率", "On-time rate"),
    "tasks.tab.timeline": ("时限时间轴", "Timeline"),
    "tasks.tab.update": ("填报进展", "Record progress"),
    "tasks.tab.bulk": ("批量导入", "Bulk upload"),
    "tasks.group.label": ("分组", "Group by"),
    "tasks.group.category": ("按任务类别", "Category"),
    "tasks.group.unit": ("按责任单位", "Responsible unit"),
    "tasks.group.summary": (
        "{n} 项，逾期 {overdue}，30日内到期 {soon}",
        "{n} items, {overdue} overdue, {soon} due within 30 days",
    ),
    "tasks.legend": (
        ":red[:material/alarm:] 红底行：逾期；:orange[:material/event_upcoming:] 黄底行：30日内到期且未完成。",
        ":red[:material/alarm:] Red rows: overdue; :orange[:material/event_upcoming:] amber rows: "
        "due within 30 days and not done.",
    ),
    "tasks.empty": ("没有符合条件的任务。", "No task matches the filters."),
    "tasks.col.status": ("状态", "Status"),
    "tasks.col.id": ("编号", "ID"),
    "tasks.col.title": ("任务", "Task"),
    "tasks.col.units": ("责任单位", "Responsible units"),
    "tasks.col.deadline": ("完成时限", "Deadline"),
    "tasks.col.due": ("截止日期", "Due date"),
    "tasks.col.latest": ("最新进展", "Latest update"),
    "tasks.col.note": ("进展说明", "Note"),
    "tasks.col.evidence": ("佐证材料", "Evidence"),
    "tasks.rate.unit": ("责任单位", "Unit"),
    "tasks.rate.total": ("任务数", "Items"),
    "tasks.rate.due": ("已到期", "Due"),
    "tasks.rate.done_on_time": ("按期完成", "Done on time"),
    "tasks.rate.done_late": ("逾期完成", "Done late"),
    "tasks.rate.overdue": ("逾期未完成", "Overdue"),
    "tasks.rate.due_open": ("当日到期未完成", "Due today, open"),
    "tasks.rate.rate": ("按期完成率", "On-time rate"),
    "tasks.rates.definition": (
        "按期完成率 = 在完成时限内完成的任务数 ÷ 完成时限在评估基准日（{as_of}）及以前的任务数。"
        "一项任务有多个责任单位时，每个单位各计一次；“区政府各部门”“各街道办事处”按原文作为一个单位统计。"
        "尚未到期的任务不计入。",
        "On-time rate = items done by their due date ÷ items due on or before the as-of date "
        "({as_of}). An item with several units counts once for each; collective units count as "
        "written. Items not yet due are left out.",
    ),
    "tasks.timeline.caption": (
        "◆ 完成时限（颜色表示状态），● 完成日期，虚线为评估基准日。",
        "◆ due date (colour = status), ● done date; the dashed line is the as-of date.",
    ),
    "tasks.form.task": ("任务或里程碑", "Task or milestone"),
    "tasks.form.status": ("状态", "Status"),
    "tasks.form.date": ("进展日期", "Date"),
    "tasks.form.note": ("进展说明（已完成时必填）", "Note (required when done)"),
    "tasks.form.link": ("佐证链接（可选）", "Evidence link (optional)"),
    "tasks.form.file": ("佐证文件（可选）", "Evidence file (optional)"),
    "tasks.form.user": ("填报人", "Your name"),
    "tasks.form.submit": ("保存进展", "Save"),
    "tasks.form.saved": (
        "已记录：{task} {status}（{date}）。",
        "Recorded: {task} {status} ({date}).",
    ),
    "tasks.form.refused": (
        "未保存，请修改后重试：",
        "Not saved; please correct and retry:",
    ),
    "tasks.form.both": (
        "佐证链接和文件只能二选一。",
        "Give either an evidence link or a file, not both.",
    ),
    "tasks.history": ("进展记录", "History"),
    "tasks.history.none": ("还没有进展记录。", "No updates yet."),
    "tasks.requirement": ("具体要求", "Requirement"),
    "tasks.bulk.help": (
        "下载模板，在“状态”“日期”“进展说明”（及“佐证材料”链接）列填写本次报告的任务，其余行留空，"
        "然后上传。文件中任何一行有误时整份文件都不会导入。",
        "Download the template, fill 状态 / 日期 / 进展说明 (and an evidence link) for the tasks "
        "you report on, leave the other rows blank, and upload it. If any row is wrong, nothing "
        "is stored.",
    ),
    "tasks.bulk.template": ("下载填报模板（按当前筛选）", "Download template (current filters)"),
    "tasks.bulk.file": ("上传填好的模板（.xlsx）", "Upload the filled template (.xlsx)"),
    "tasks.bulk.submit": ("导入", "Import"),
    "tasks.bulk.loaded": (
        "已导入 {file}：{n} 条进展（批次 #{batch}，可在“上传数据”页或用 rollback 撤回）。",
        "Imported {file}: {n} updates (batch #{batch}; undo with rollback).",
    ),
    "tasks.bulk.refused": (
        "{file} 未导入（任何一条都没有保存），共 {n} 个问题，见下方检查结果；"
        "请按“问题与修改方法”修改后重新导入。",
        "{file} was not imported (nothing stored): {n} problems, listed below; "
        "fix them and import again.",
    ),
    "tasks.bulk.nofile": ("请先选择文件。", "Choose a file first."),
}
