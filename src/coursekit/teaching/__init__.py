"""Teaching kit: learning objectives as data, exercises, time on task, the printable course.

Chapter-free: everything here reads the course's data files and pages, whatever they teach.
"""

from coursekit.teaching.exercises import ExerciseSource, find_exercises
from coursekit.teaching.mapping import (
    ItemRef,
    ObjectiveRow,
    course_map,
    coverage_problems,
    objective_map,
)
from coursekit.teaching.objectives import Objective, ObjectiveError, Objectives, load_objectives
from coursekit.teaching.timing import Rates, TimeEstimate, estimate, format_minutes

__all__ = [
    "ExerciseSource",
    "ItemRef",
    "Objective",
    "ObjectiveError",
    "ObjectiveRow",
    "Objectives",
    "Rates",
    "TimeEstimate",
    "course_map",
    "coverage_problems",
    "estimate",
    "find_exercises",
    "format_minutes",
    "load_objectives",
    "objective_map",
]
