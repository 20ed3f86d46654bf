"""The business calendar a process's SLAs and weeks count in, as a row and as arithmetic."""

from zoneinfo import ZoneInfo

from processes.business_time import WorkingTime
from processes.definition import process_definition, process_zone_name
from processes.models import BusinessCalendar


def process_calendar(process) -> BusinessCalendar:
    """The calendar a process's SLAs count on: its own, else the standard one."""
    return process.calendar if process.calendar_id else BusinessCalendar.objects.standard()


def working_time_for(process) -> WorkingTime:
    """The process's calendar as arithmetic, as of its definition's version (held in memory
    between changes: see processes/definition.py)."""
    return process_definition(process).working_time


def process_zone(process) -> ZoneInfo:
    """The time zone a process's times and weeks are in: its calendar row's."""
    return ZoneInfo(process_zone_name(process))
