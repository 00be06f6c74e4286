"""Zhuanhua: the technology-transfer (科技成果转化) data pipeline and warehouse."""

__version__ = "0.1.0"
