"""Formulas of derived indicators, e.g. ``fitness.instructors / common.population * 10000``.

Parsed with :mod:`ast` and evaluated by walking the tree: only indicator ids (dotted names),
numbers, + − × ÷ and parentheses are allowed. Works on floats and on pandas/numpy arrays.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping
from typing import Any

_OPS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


class FormulaError(ValueError):
    """The formula uses something other than ids, numbers and + − × ÷."""


def _parse(formula: str) -> ast.expr:
    try:
        return ast.parse(formula, mode="eval").body
    except SyntaxError:
        raise FormulaError(
            f"公式 '{formula}' 语法错误：只能使用指标代码、数字和 + - * / ( )"
        ) from None


def formula_names(formula: str) -> list[str]:
    """The component ids a formula refers to, in order of appearance."""
    names: list[str] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Attribute | ast.Name):
            names.append(ast.unparse(node))
            return
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(_parse(formula))
    return names


def eval_formula(formula: str, env: Mapping[str, Any]) -> Any:
    """Evaluate over ``env`` (id → number or array). Division by zero gives inf/NaN for
    arrays; callers treat non-finite results as missing."""

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.Attribute | ast.Name):
            name = ast.unparse(node)
            if name not in env:
                raise FormulaError(f"公式 '{formula}' 引用的指标 '{name}' 没有数值")
            return env[name]
        raise FormulaError(f"公式 '{formula}' 含有不允许的写法 '{ast.unparse(node)}'")

    return ev(_parse(formula))
