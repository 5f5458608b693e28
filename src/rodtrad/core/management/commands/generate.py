"""``rodtrad generate --units N --users N [--seed S]``: a region-scale organisation for benchmarks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from rodtrad.core.services import generate


class Command(BaseCommand):
    help = (
        "Generate a deterministic organisation (units, people, roles, audit history) for benchmarks. "
        "Refuses to run when the database already has units: use a fresh RODTRAD_DATA_DIR."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--units", type=int, help="Required unless only goals are added.")
        parser.add_argument("--users", type=int, help="Required unless only goals are added.")
        parser.add_argument("--seed", type=int, default=1, help="The same seed gives the same data.")
        parser.add_argument(
            "--audit",
            type=int,
            default=20000,
            help="At most this many audit entries of history, written through the chain.",
        )
        parser.add_argument(
            "--documents", type=int, default=0, help="Documents, each with three versions and search text."
        )
        parser.add_argument(
            "--goals",
            type=int,
            default=0,
            help="Goals cascading down the tree (alone: into the existing tree).",
        )
        parser.add_argument("--indicators", type=int, default=0, help="Indicators with this year's targets.")
        parser.add_argument("--measurements", type=int, default=0, help="Tertial values of the indicators.")
        parser.add_argument(
            "--events",
            type=int,
            default=0,
            help="Events over five years, complaints and proposals in proportion (alone: into the tree).",
        )
        parser.add_argument("--actions", type=int, default=0, help="Actions on the generated events.")
        parser.add_argument(
            "--stories",
            type=int,
            default=0,
            help="Stories over three years, with this year's value dialogues (alone: into the tree).",
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(
        self, *args: Any, units: int, users: int, seed: int, audit: int, documents: int, quiet: bool, **o: Any
    ) -> None:
        goals = o["goals"] or o["indicators"] or o["measurements"]
        improvement = o["events"] or o["actions"]
        if units is None and users is None and (goals or improvement or o["stories"]):
            if goals:
                self._goals(seed, quiet, o)
            if improvement:
                self._improvement(seed, quiet, o)
            if o["stories"]:
                self._values(seed, quiet, o)
            return
        if units is None or users is None:
            raise CommandError(
                "Give --units and --users (or only --goals/--indicators/--measurements, --events/--actions, "
                "--stories)."
            )
        total = generate.rows_to_write(units, users, audit, documents)
        try:
            with tqdm(total=total, unit="rows", disable=quiet) as bar:
                result = generate.generate(
                    units=units,
                    users=users,
                    seed=seed,
                    audit_entries=audit,
                    documents=documents,
                    progress=bar,
                )
                bar.update(max(0, total - bar.n))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Generated {result.units} units, {result.users} users, {result.memberships} memberships "
            f"and {result.audit_entries} audit entries under {result.region.code} (seed {seed}); "
            f"{documents} documents."
        )
        self.stdout.write(f"Every generated user signs in with the password: {result.password}")

    def _goals(self, seed: int, quiet: bool, o: dict[str, Any]) -> None:
        """Goals, indicators and measurements on the organisation generated before."""
        from rodtrad.goals import generate as goals

        total = goals.rows_to_write(o["goals"], o["indicators"], o["measurements"])
        with tqdm(total=total, unit="rows", disable=quiet) as bar:
            made = goals.generate_goals(
                goals=o["goals"],
                indicators=o["indicators"],
                measurements=o["measurements"],
                seed=seed,
                progress=bar,
            )
            bar.update(max(0, total - bar.n))
        self.stdout.write("Generated {} goals, {} indicators and {} measurements.".format(*made))

    def _improvement(self, seed: int, quiet: bool, o: dict[str, Any]) -> None:
        """Events, actions, complaints and proposals on the organisation generated before."""
        from rodtrad.improvement import generate as improvement

        total = improvement.rows_to_write(o["events"], o["actions"])
        with tqdm(total=total, unit="rows", disable=quiet) as bar:
            made = improvement.generate_improvement(
                events=o["events"], actions=o["actions"], seed=seed, progress=bar
            )
            bar.update(max(0, total - bar.n))
        self.stdout.write(
            f"Generated {made.events} events ({made.duties} reporting duties, {made.investigations} "
            f"investigations), {made.actions} actions, {made.complaints} complaints and "
            f"{made.proposals} proposals."
        )

    def _values(self, seed: int, quiet: bool, o: dict[str, Any]) -> None:
        """Stories and this year's value dialogues on the organisation generated before."""
        from rodtrad.values import generate as values

        total = values.rows_to_write(o["stories"])
        with tqdm(total=total, unit="rows", disable=quiet) as bar:
            made = values.generate_values(stories=o["stories"], seed=seed, progress=bar)
            bar.update(max(0, total - bar.n))
        self.stdout.write(
            f"Generated {made.stories} stories ({made.lifts} lifts) and {made.dialogues} value dialogues."
        )
