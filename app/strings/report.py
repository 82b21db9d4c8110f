"""Strings of the report page (评估报告)."""

STRINGS: dict[str, tuple[str, str]] = {
    "report.title": ("中期评估 / 总结评估报告", "Mid-term / final evaluation report"),
    "report.caption": (
        "选择规划、评估基准日、数据截至日和地区，预览报告，修改各部分文字后导出。"
        "以相同的评估基准日和数据截至日重新生成，数值不变。",
        "Choose plans, as-of date, data vintage and area; preview, edit the text, export. "
        "The same two dates always give the same numbers.",
    ),
    "report.plans": ("规划", "Plans"),
    "report.known_on": ("数据截至日（只用该日及以前入库的数据）", "Data known on"),
    "report.known_on.help": (
        "默认随评估基准日变化：基准日所在季度的下一季度末（届时该期数据已上报），不晚于今天。",
        "Follows the as-of date: the end of the next quarter (when that quarter's figures are "
        "in), never after today.",
    ),
    "report.hash.full": ("完整配置哈希（可复制）", "Full config hash (copy)"),
    "report.area": ("地区", "Area"),
    "report.org": ("编制单位", "Prepared by"),
    "report.doc_title": ("报告标题", "Report title"),
    "report.no_plan": ("请至少选择一个规划。", "Choose at least one plan."),
    "report.building": ("正在计算评估结果……", "Assessing…"),
    "report.failed": (
        "报告无法生成：{msg}。请检查所选条件，或告知系统管理员。",
        "The report cannot be built: {msg}.",
    ),
    "report.edit": (
        "本节文字（可修改，导出时使用修改后的文字）",
        "Text of this section (editable)",
    ),
    "report.counts": ("评价分布", "Verdicts"),
    "report.table": ("表1 主要指标完成情况", "Table 1: main indicators"),
    "report.charts": ("显示各指标图表（较慢）", "Show indicator charts (slower)"),
    "report.tasks_none": ("任务台账暂不可用。", "The task registry is not available."),
    "report.overdue": ("逾期未完成事项", "Overdue items"),
    "report.overdue.final": ("规划期末未完成事项", "Items not done by the end of the plan"),
    "report.problems": ("滞后、逆向等指标（约束性在前）", "Lagging / moving away (binding first)"),
    "report.batches": ("使用的上报批次", "Batches used"),
    "report.meta": (
        "配置哈希 {hash}　数据指纹 {fp}　批次 {batches}",
        "Config hash {hash}  fingerprint {fp}  batches {batches}",
    ),
    "report.export": ("导出", "Export"),
    "report.export_note": (
        "点击后生成文件（Word 和 PDF 含全部图表，约需数秒）。",
        "Files are generated on click (Word and PDF include every chart; a few seconds).",
    ),
    "report.docx": ("下载 Word 报告", "Download Word"),
    "report.xlsx": ("下载 Excel 附表", "Download Excel appendix"),
    "report.pdf": ("下载 PDF", "Download PDF"),
    "report.no_pdf": (
        "本机未安装 PDF 组件（fpdf2），暂不能导出 PDF；请运行 pip install -r requirements.txt。",
        "PDF export needs fpdf2: run pip install -r requirements.txt.",
    ),
    "report.analysis": (
        "原因分析和下一步措施（由牵头部门填写，保存后写入报告第四、五部分）",
        "Causes and measures (filled by the lead department; used in sections 4 and 5)",
    ),
    "report.analysis_indicator": ("指标", "Indicator"),
    "report.analysis_cause": ("原因分析", "Cause"),
    "report.analysis_measures": ("下一步措施", "Measures"),
    "report.analysis_as": (
        "填报人：{name}（{role}，当前登录账号；统计员只能填写本部门牵头或参与的指标）",
        "Entered as {name} ({role}); statisticians may fill in their departments' indicators only",
    ),
    "report.analysis_save": ("保存原因和措施", "Save"),
    "report.analysis_saved": ("已保存：{name}。报告已按新内容更新。", "Saved: {name}."),
    "report.analysis_too_long": (
        "原因分析或措施超过 {n} 字，请精简后再保存。",
        "The text is longer than {n} characters.",
    ),
}
