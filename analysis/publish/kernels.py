"""One warm Jupyter kernel for all chapters of a report build.

Starting a kernel and importing the chapter modules (pandas, statsmodels, matplotlib,
pandera …) costs about 2.6 s of CPU, and a report has eight chapters. The pipeline
therefore starts one kernel per build, imports every chapter module once, and before
each chapter clears the user namespace (``%reset -f``), restarts the execution count at
1 and resets plotting, warnings and the environment
(:func:`analysis.present.kernel_state.reset`), so each chapter runs as in a new kernel
and its executed notebook, the published record, is the same.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from jupyter_client.manager import KernelManager

from analysis.errors import PipelineError

KERNEL_NAME = "python3"  # the ipykernel of the interpreter socplan is installed in
STARTUP_TIMEOUT = 120


class ChapterKernel:
    """A started kernel in ``cwd`` with ``modules`` imported; use as a context manager."""

    def __init__(self, cwd: Path, modules: list[str]) -> None:
        # Local IPC sockets in a private folder rather than TCP ports.
        self._sockets = Path(tempfile.mkdtemp(prefix="socplan-kernel-"))
        self.km = KernelManager(
            kernel_name=KERNEL_NAME, transport="ipc", ip=str(self._sockets / "k")
        )
        # No history database: restarting the execution count for each chapter would
        # collide with the line numbers it already stored.
        self.km.start_kernel(cwd=str(cwd), extra_arguments=["--HistoryManager.enabled=False"])
        try:
            self._run(
                "import analysis.present.kernel_state as _ks\n"
                f"_ks.warm({json.dumps(modules)})\ndel _ks"
            )
        except BaseException:
            self.close()
            raise

    def _run(self, code: str) -> None:
        # A new client each time: the notebook client's event loop in between leaves an
        # older client's sockets unusable.
        kc = self.km.client()
        kc.start_channels()
        try:
            kc.wait_for_ready(timeout=STARTUP_TIMEOUT)
            reply = kc.execute_interactive(
                code, silent=True, store_history=False, timeout=STARTUP_TIMEOUT
            )
        finally:
            kc.stop_channels()
        content = reply["content"]
        if content.get("status") != "ok":
            raise PipelineError(
                f"chapter kernel could not be prepared: {content.get('ename')}: "
                f"{content.get('evalue')}"
            )

    def fresh(self, environment: dict[str, str]) -> None:
        """Make the kernel look new for the next chapter."""
        self._run(
            "import analysis.present.kernel_state as _ks\n"
            f"_ks.reset({json.dumps(environment)})\n"
            'get_ipython().run_line_magic("reset", "-f")\n'
            "get_ipython().execution_count = 1"
        )

    def close(self) -> None:
        try:
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
        finally:
            shutil.rmtree(self._sockets, ignore_errors=True)

    def __enter__(self) -> ChapterKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
