"""Failure handling every side shares: circuit breakers and the board that reports their state."""

from common.resilience.board import BreakerBoard, BreakerState
from common.resilience.breaker import BreakerOpen, BreakerPolicy, CircuitBreaker

__all__ = ["BreakerBoard", "BreakerOpen", "BreakerPolicy", "BreakerState", "CircuitBreaker"]
