"""Task lists of the plans (重点工作任务分解表, 重大行政决策事项目录): registry, deadlines, status."""
