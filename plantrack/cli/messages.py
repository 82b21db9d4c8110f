"""English for the CLI (``python -m plantrack --lang en …``): a small message catalogue.

The CLI and the library write Chinese (the default). With ``--lang en`` each line the CLI
prints goes through :func:`translate`: the sentences below — the CLI's own messages, the most
common configuration errors, the upload summaries and the store's errors — are replaced by
their English; anything not in the catalogue is printed as it is (Chinese). JSON and CSV
output is never rewritten.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import TextIO

Replacement = str | Callable[[re.Match[str]], str]

VERDICTS_EN = {
    "提前实现": "achieved early", "已实现": "achieved", "快于预期": "ahead of schedule",
    "基本符合预期": "on schedule", "滞后": "lagging", "逆向": "moving away",
    "未实现": "not achieved", "未保持": "no longer met", "无法评估": "cannot assess",
    "已达标": "meets reference", "未达标": "below reference", "已完成": "done",
    "逾期完成": "done late", "进行中": "in progress", "逾期": "overdue", "监测": "monitoring",
}  # fmt: skip


REPORT_KINDS_EN = {"中期评估": "mid-term evaluation", "总结评估": "final evaluation",
                   "实施情况评估": "implementation assessment"}  # fmt: skip


def _base_past(m: re.Match[str]) -> str:
    where = f" in area {m['area']}" if m["area"] else ""
    return (
        f"indicator {m['ind']}: the base value{where} {m['base']} already meets the target "
        f"{m['cmp']} {m['target']}; assessed as keep-the-target (achieved while it holds, "
        "'no longer met' and red when it does not) — check the target or the base"
    )


def _assess_line(m: re.Match[str]) -> str:
    verdict = VERDICTS_EN.get(m["verdict"], m["verdict"])
    period = "no data" if m["period"] == "无数据" else m["period"]
    return (
        f"{verdict:<16}{m['name']}: latest {m['latest']} ({period}), target {m['target']}, "
        f"completion {m['done']}, time share {m['tau']}"
    )


CATALOGUE: list[tuple[str, Replacement]] = [
    # configuration
    (r"^配置文件有误：$", "The configuration file has errors:"),
    (r"^(?P<f>.+): 有效 — (\d+) 个规划，(\d+) 个指标（其中里程碑 (\d+) 个），(\d+) 个地区。$",
     r"\g<f>: valid — \2 plans, \3 indicators (\4 milestones), \5 areas."),
    (r"(\.yaml:\d+: )警告：", r"\1warning: "),
    (r"指标 (?P<ind>\S+): (?:地区 (?P<area>\S+) 的)?基期值 (?P<base>\S+) 已达到目标 (?P<cmp>\S+) "
     r"(?P<target>\S+)，按“保持目标”评估（保持为已实现，不再达到为未保持、红灯） — "
     r"如目标应更高（更低），请核对目标值或基期值", _base_past),
    (r"未知的键（拼写错误？）— 删除它或改为文档中的键名",
     "unknown key (misspelt?) — remove it or use a documented key"),
    (r"缺少必填项 — 补上该键", "required key missing — add it"),
    (r"取值不在允许范围内：", "value not allowed: "),
    (r'应为文字 — 代码、年份等请加引号，如 "2020"', 'should be text — quote codes and years, e.g. "2020"'),
    (r"应为数字 — 如 41 或 2\.6（不加单位）", "should be a number, e.g. 41 or 2.6 (no unit)"),
    (r"YAML 语法错误：(.+) — 检查缩进和冒号", r"YAML syntax error: \1 — check indentation and colons"),
    (r"无法读取文件：", "cannot read the file: "),
    (r"文件应为一个映射（键: 值）— 参照示例 indicators\.yaml",
     "the file should be a mapping (key: value) — see the example indicators.yaml"),
    (r"指标 (\S+): 规划 '(.+?)' 不存在 — 改为 (.+) 之一",
     r"indicator \1: plan '\2' does not exist — use one of \3"),
    (r"指标 (\S+): 目标期 (\S+) 不晚于基期 (\S+) — 目标期应在基期之后",
     r"indicator \1: target period \2 is not after the base period \3 — it must be later"),
    (r"指标 (\S+): by_area 中的地区代码 '(.+?)' 不在 areas 中 — 改为已配置的地区代码（(.+)）",
     r"indicator \1: area code '\2' in by_area is not in areas — use a configured code (\3)"),
    (r"指标 (\S+): 缺少目标值 target\.value — .+",
     r"indicator \1: no target value — give target.value, change_pct (e.g. -20) or by_area"),
    (r"id '(.+?)' 重复 — 每个 id 只能出现一次", r"id '\1' appears twice — ids must be unique"),
    # new-config, template
    (r"^已写入 (.+)：(\d+) 个下级地区，1 个规划，1 个示例指标。$",
     r"Wrote \1: \2 sub-areas, 1 plan, 1 example indicator."),
    (r"^下一步：编辑示例指标，然后运行 (.+)$", r"Next: edit the example indicator, then run \1"),
    (r"^(.+) 已存在；换一个 --out 或加 --force 覆盖。$", r"\1 exists; choose another --out or add --force."),
    (r"^无法读取地区文件 (.+?)：(.+)$", r"Cannot read the areas file \1: \2"),
    (r"^(\S+) 第(\d+)行：", r"\1 line \2: "),
    (r"缺少地区代码或名称。每行写：代码,名称。", "code or name missing; write code,name on each line."),
    (r"^(\S+) 只有表头，没有地区。.+$", r"\1 has a header but no areas; write code,name on each line."),
    (r"^(\S+) 中没有地区。.+$", r"\1 lists no areas; write code,name on each line."),
    (r"地区代码 (\S+) 与第(\d+)行重复。", r"area code \1 repeats line \2."),
    (r"^已生成 (\S+) 填报模板：(.+)$", r"Template for \1 written: \2"),
    (r"^报告期 '(.+)' 无法识别，请写成 2024Q1、2024 或 2024-03。$",
     r"Period '\1' not recognised; write 2024Q1, 2024 or 2024-03."),
    (r"^规划 '(.+)' 不存在。可用：(.+)。$", r"Plan '\1' does not exist. Available: \2."),
    (r"^地区代码 '(.+)' 不存在。可用代码：(.+)（见配置文件的 areas）。$",
     lambda m: f"Area code '{m[1]}' does not exist. Configured codes: "
     f"{m[2].replace('、', ', ')} (see areas in the configuration)."),
    # uploads
    (r"^错误  ", "error    "),
    (r"^警告  ", "warning  "),
    (r"文件 (.+?) 有 (\d+) 个错误，未入库。请按提示修改后重新上传。",
     r"File \1 has \2 errors; nothing was stored. Fix them as listed and upload again."),
    (r"文件 (.+?) 检查通过：(\d+) 行数据，(\d+) 个警告需确认并说明原因。",
     r"File \1 passed the checks: \2 rows, \3 warnings to confirm with a reason."),
    (r"文件 (.+?) 检查通过：(\d+) 行数据。", r"File \1 passed the checks: \2 rows."),
    (r"文件 (.+?) 已入库（批次 #(\d+)）：新增 (\d+) 个，修订 (\d+) 个，备注更新 (\d+) 条，未变 (\d+) 个。",
     r"File \1 stored (batch #\2): \3 new, \4 revised, \5 notes updated, \6 unchanged."),
    (r"文件 (.+?) 已入库（批次 #(\d+)）：新增 (\d+) 个，修订 (\d+) 个，未变 (\d+) 个。",
     r"File \1 stored (batch #\2): \3 new, \4 revised, \5 unchanged."),
    (r"文件 (.+?) 有 (\d+) 个警告，未入库。.+",
     r'File \1 has \2 warnings; nothing was stored. If the values are right, confirm with '
     r'--accept-warnings --reason "why".'),
    (r"文件 (.+?) (?:工作表 .+? )?中找不到表头。.+",
     r"No header row found in \1. A long table needs indicator, area and value columns; a "
     r"wide one an area column and indicator columns; a wide-by-year one (World Bank layout) "
     r'area and indicator columns and year columns. Use the template, rename the columns, '
     r'or map them: --map "Country=area_name,Series=indicator_id".'),
    (r"文件 (.+?) 中没有任何内容。请填写数据后重新上传。", r"File \1 is empty."),
    (r"文件 (.+?) 只有表头，没有数据行。.+", r"File \1 has a header but no data rows."),
    (r"文件 (.+?) 与已入库的批次 #(\d+) 完全相同.+",
     r"File \1 is identical to stored batch #\2 and is not stored again."),
    (r"无法打开文件 (.+?)：(.+?)。请检查路径和权限。", r"Cannot open file \1: \2. Check the path."),
    (r"^使用 --accept-warnings 时必须用 --reason 写明原因。$",
     "--accept-warnings needs --reason with the reason."),
    (r"列名对应“(.+?)”缺少“=”.+", r"Column mapping '\1' has no '=': write SOURCE=field, e.g. Year=period."),
    # one problem of an upload (validation/messages.py, validation/checks.py)
    (r"^(error|warning)(\s+)(\S+) 第 (\d+) 行 ([A-Z]+) 列（(.+?)）：",
     r"\1\2\3 row \4, column \5 (\6): "),
    (r"^(error|warning)(\s+)(\S+) 第 (\d+) 行：", r"\1\2\3 row \4: "),
    (r"地区“(.+?)”不存在。请填写配置中地区的名称、简称或代码（如 (.+?)；代码不分大小写）。",
     lambda m: f"area '{m[1]}' does not exist. Write a configured area's name, short name or "
     f"code (e.g. {m[2].replace('、', ', ')}; codes in any case)."),
    (r"（本行 (\d+) 个(年份列|数值列)都是这个地区，只列一次。）",
     lambda m: f" (this covers {m[1]} {'year' if m[2] == '年份列' else 'value'} columns of "
     "the row, listed once.)"),
    (r"跳过了 ([\d,]+) 行未配置的地区：(.+?)( 等 (\d+) 个)?。这些行未检查、不入库；.+",
     lambda m: f"skipped {m[1]} rows whose area is not configured: "
     f"{m[2].replace('、', ', ')}{f' ({m[4]} areas)' if m[3] else ''}. They are not checked "
     "or stored; to keep them, add these areas to the configuration's areas."),
    (r"未填写地区。请填写地区名称或代码（如 (.+?)）。",
     lambda m: f"no area. Write an area's name or code (e.g. {m[1].replace('、', ', ')})."),
    (r"指标“(.+?)”不存在。请填写模板中的指标代码或指标名称，名称须与指标清单完全一致。",
     r"indicator '\1' does not exist. Write an indicator code or name as in the template."),
    (r"未填写指标。请填写指标代码或指标名称.*", "no indicator. Write an indicator code or name."),
    (r"数值“(.+?)”不是数字。请只填写数字.+",
     r"value '\1' is not a number. Write the number only (e.g. 41 or 1234.5); units and notes "
     r"go in their own columns."),
    (r"未填写数值（备注已填写）。.+", "no value (a note was given). Write the number, or delete the row."),
    (r"报告期“(.+?)”无法识别。.+",
     r"period '\1' not recognised. Write 2024Q1, 2024 (a year), 2024-03 (a month) or a date."),
    (r"未填写报告期。.+", "no period. Write 2024Q1 or 2024, or give the period in the header."),
    (r"报告期 (\S+) 不在规划《(.+?)》的期间 (\S+)（基期）至 (\S+) 年 内。请核对报告期。",
     r"period \1 is outside the plan '\2' (\3, the base, to \4). Check the period."),
    (r"报告期 (\S+) 尚未结束（今天是 (\S+)）.+", r"period \1 has not ended yet (today is \2)."),
    (r"“(.+?)”按年报送，报告期应为年份（如 (\S+)），不能是(季度|月份) (\S+)。",
     lambda m: f"'{m[1]}' is reported by year: the period should be a year (e.g. {m[2]}), "
     f"not the {'quarter' if m[3] == '季度' else 'month'} {m[4]}."),
    (r"与第 (.+?) 行(等其他 ([\d,]+) 行)?的指标、地区、报告期相同。.+",
     lambda m: f"same indicator, area and period as row(s) {m[1].replace('、', ', ')}"
     f"{f' and {m[3]} more' if m[2] else ''}. One row per indicator, area and period: delete "
     "the repeated rows."),
    (r"将修订已存储的数值：原为 (\S+)（第 (\d+) 版），本次为 (\S+?)。如属更正，请确认并填写更正原因。",
     r"revises a stored value: was \1 (revision \2), now \3. If it is a correction, confirm "
     r"with the reason."),
    (r"数值 (\S+) 较 (\S+)（(\S+)）变化 (\S+)，超过 ±(\S+)。请核实；如确属实，请确认并说明原因。",
     r"value \1 changes \4 from \2 (\3), more than ±\5. Check it; if right, confirm with a reason."),
    (r"数值 (\S+) 超出“(.+?)”的有效范围 (\S+)（单位 (.+?)）。请核对后修改。",
     r"value \1 is outside the valid range \3 of '\2' (unit \4). Check and correct it."),
    # store
    (r"数据库文件 (.+?) 不存在。请检查 --db / PLANTRACK_DB 的路径；新建空的正式库用 `(.+?)`，示例库用 `(.+?)`。",
     r"Database file \1 does not exist. Check the path in --db / PLANTRACK_DB; create an empty database with `\2`, or a demo with `\3`."),
    (r"无法打开数据库 (.+?)：(.+)", r"Cannot open database \1: \2"),
    (r"数据库 (\S+) 正被另一个程序占用（已等待 (\d+) 秒）。.*",
     r"Database \1 is in use by another program (waited \2 s). Try again shortly."),
    (r"批次 (\d+) 不存在。.+", r"Batch \1 does not exist. `python -m plantrack batches` lists them."),
    (r"批次 (\d+) 已经回滚过。", r"Batch \1 was already rolled back."),
    (r"^(.+?) 未导入，未记录任何进展（共 (\d+) 个问题，请按提示修改后重新导入）：$",
     r"\1 was not imported; nothing was recorded (\2 problems: fix them as listed and import again):"),
    (r"^已回滚批次 (\d+)：新批次 #(\d+) 恢复了 (\d+) 个数值。$",
     r"Rolled back batch \1: batch #\2 restored \3 values."),
    (r"^已回滚批次 (\d+)：新批次 #(\d+) 撤回了 (\d+) 条(规划主要)?任务进展（.+）。$",
     lambda m: f"Rolled back batch {m[1]}: batch #{m[2]} withdrew {m[3]} "
     f"{'key-task' if m[4] else 'task'} progress records (no longer counted; "
     "still listed in the history)."),
    (r"^数据库 (.+) 已有数据；示例数据只写入空数据库。$",
     r"Database \1 already has data; the demo is written only into an empty one."),
    (r"^还没有任何批次。$", "No batches yet."),
    # batches, history
    (r"  共(\d+)行：新增(\d+) 修订(\d+) 未变(\d+)$", r"  \1 rows: \2 new, \3 revised, \4 unchanged"),
    (r"^(\S+ \S+) 第(\d+)版 = (.+?)  批次#(\d+) ",
     lambda m: f"{m[1]} revision {m[2]} = {'(deleted)' if m[3] == '（删除）' else m[3]}  "
     f"batch #{m[4]} "),
    (r"^指标 '(.+)' 不存在。可用 `(.+)` 查看指标代码。$",
     r"Indicator '\1' does not exist; `\2` lists the indicator codes."),
    # database and accounts
    (r"^请设置环境变量 (\S+)，或在终端中运行以输入密码。$",
     r"Set the environment variable \1, or run in a terminal to type the password."),
    (r"^两次输入的密码不一致。$", "The two passwords differ."),
    (r"^写入操作须用 --user 指定账号（并提供密码）。$",
     "Writing needs --user with the account (and its password)."),
    (r"用户名或密码错误。", "Wrong user name or password."),
    (r"账号 (\S+) 因连续 (\d+) 次密码错误已锁定至 (\S+)，请稍后再试或请管理员重置密码。",
     r"Account \1 is locked until \3 after \2 wrong passwords; try later or ask an "
     r"administrator to reset the password."),
    (r"密码至少 (\d+) 位。", r"The password needs at least \1 characters."),
    (r"^已新建空的正式数据库 (.+)。$", r"Created the empty database \1."),
    (r"^已创建管理员 (.+)。$", r"Created the administrator \1."),
    (r"^已新增账号 (.+)（(.+)）。$", r"Added the account \1 (\2)."),
    (r"^还没有账号。.+$", "No accounts yet. `python -m plantrack create-admin NAME` creates the first administrator."),
    (r"^已备份到 (.+)（已检查完好）。$", r"Backed up to \1 (checked intact)."),
    # report
    (r"^已生成 (.+?)：(.+?)(中期评估|总结评估|实施情况评估)报告$",
     lambda m: f"Report written: {m[1]}: {m[2]} — {REPORT_KINDS_EN[m[3]]} (the report is in Chinese)"),
    (r"^  评估基准日 (\S+)，数据截至 (\S+)，主要指标 (\d+) 个$",
     r"  as of \1, data known on \2, \3 indicators"),
    (r"^  使用批次 (.+)；配置哈希 (\S+)；数据指纹 (\S+)$",
     lambda m: f"  batches {'none' if m[1] == '无' else m[1].replace('、', ', ')}; "
     f"configuration hash {m[2]}; data fingerprint {m[3]}"),
    (r"^提示：数据截至日 (\S+) 早于评估基准日 (\S+)，之后上报的数据不会计入。$",
     r"Note: data known on \1 is before the as-of date \2; later uploads are not counted."),
    # assess (text output)
    (r"^该规划没有量化指标（任务见 `(.+)`）$", r"This plan has no quantified indicators (tasks: `\1`)"),
    (r"^(?P<verdict>\S+)\s+(?P<name>\S.*?)：现状 (?P<latest>.+?)（(?P<period>.+?)），"
     r"目标 (?P<target>.+?)，完成进度 (?P<done>.+?)，时序进度 (?P<tau>.+)$", _assess_line),
    # last lines of defence
    (r"^出现意外错误（(.+?)）：(.*)。请把这条信息告知系统管理员。$",
     r"Unexpected error (\1): \2. Please tell the system administrator."),
    (r"^已中断。$", "Interrupted."),
]  # fmt: skip
_COMPILED = [(re.compile(p), r) for p, r in CATALOGUE]


def translate(line: str, lang: str = "en") -> str:
    """One printed line in ``lang`` (only ``en`` is catalogued; anything else is unchanged)."""
    if lang != "en":
        return line
    for pattern, repl in _COMPILED:
        line = pattern.sub(repl, line)
    return line


class Translating(io.TextIOBase):
    """A text stream that writes each complete line through :func:`translate`."""

    def __init__(self, target: TextIO, lang: str):
        self.target, self.lang, self._buffer = target, lang, ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._buffer += text
        *lines, self._buffer = self._buffer.split("\n")
        for line in lines:
            self.target.write(translate(line, self.lang) + "\n")
        return len(text)

    def flush(self) -> None:
        if self._buffer:
            self.target.write(translate(self._buffer, self.lang))
            self._buffer = ""
        self.target.flush()
