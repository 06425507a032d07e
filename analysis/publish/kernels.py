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
import os
import shutil
import tempfile
import time
from pathlib import Path
from queue import Empty

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager
from jupyter_client.utils import run_sync

from analysis.errors import PipelineError

KERNEL_NAME = "python3"  # the ipykernel of the interpreter socplan is installed in
STARTUP_TIMEOUT = 120


class PromptClient(BlockingKernelClient):
    """A kernel client whose ``wait_for_ready`` returns as soon as the kernel has answered.

    jupyter_client's own waits until IOPub has been quiet for 0.2 s, and a report build
    connects a new client twice per chapter (the reset and papermill's executor). Ready
    here means: the reply to ``kernel_info`` arrived on the shell channel and the
    kernel's "idle" status for that request arrived on IOPub (so IOPub is connected)."""

    async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (timeout if timeout is not None else float("inf"))
        while not self._answers(self.kernel_info()):
            if not self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    wait_for_ready = run_sync(_async_wait_for_ready)

    def _answers(self, msg_id: str) -> bool:
        """True when the shell reply and the IOPub idle status of ``msg_id`` arrive
        within a second each (IOPub may not be subscribed yet on a new client)."""
        for channel, done in (
            (self.shell_channel, lambda m: m["msg_type"] == "kernel_info_reply"),
            (
                self.iopub_channel,
                lambda m: (
                    m["msg_type"] == "status" and m["content"].get("execution_state") == "idle"
                ),
            ),
        ):
            end = time.monotonic() + 1.0
            while True:
                try:
                    msg = channel.get_msg(timeout=max(0.0, end - time.monotonic()))
                except Empty:
                    return False
                if msg["parent_header"].get("msg_id") == msg_id and done(msg):
                    if channel is self.shell_channel:
                        self._handle_kernel_info_reply(msg)
                    break
        return True


def _check(reply: dict) -> None:
    """Raise if the kernel's reply to a preparing request is an error."""
    content = reply["content"]
    if content.get("status") != "ok":
        raise PipelineError(
            f"chapter kernel could not be prepared: {content.get('ename')}: {content.get('evalue')}"
        )


class ChapterKernel:
    """A started kernel with ``modules`` imported, in ``environment`` (default: this
    process's); use as a context manager.

    The imports run in the background (the kernel is a process of its own): the pipeline
    starts the kernel as soon as the parameters are valid and validates the input data
    meanwhile. :meth:`fresh` waits for the imports and raises if they failed; no chapter
    runs before it."""

    def __init__(self, modules: list[str], environment: dict[str, str] | None = None) -> None:
        # Local IPC sockets in a private folder rather than TCP ports.
        self._sockets = Path(tempfile.mkdtemp(prefix="socplan-kernel-"))
        self.km = KernelManager(
            kernel_name=KERNEL_NAME,
            transport="ipc",
            ip=str(self._sockets / "k"),
            client_class="analysis.publish.kernels.PromptClient",
        )
        # No history database: restarting the execution count for each chapter would
        # collide with the line numbers it already stored.
        self.km.start_kernel(
            cwd=str(self._sockets),
            env=environment if environment is not None else dict(os.environ),
            extra_arguments=["--HistoryManager.enabled=False"],
        )
        # The imports are sent now and their reply is awaited in ready(): meanwhile the
        # caller works (a request sent before the kernel listens waits in its queue).
        self._warm_client: BlockingKernelClient | None = self.km.client()
        self._warm_client.start_channels()
        self._warm_id = self._warm_client.execute(
            f"import analysis.present.kernel_state as _ks\n_ks.warm({json.dumps(modules)})\n"
            "del _ks",
            silent=True,
            store_history=False,
        )

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
        _check(reply)

    def ready(self) -> None:
        """Wait until the modules are imported; raise if that failed or the kernel died."""
        kc, self._warm_client = self._warm_client, None
        if kc is None:
            return
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while True:
                try:
                    reply = kc.get_shell_msg(timeout=1.0)
                except Empty:
                    if not self.km.is_alive():
                        raise PipelineError("chapter kernel died while starting") from None
                    if time.monotonic() > deadline:
                        raise PipelineError("chapter kernel did not start in time") from None
                    continue
                if reply["parent_header"].get("msg_id") == self._warm_id:
                    break
        finally:
            kc.stop_channels()
        _check(reply)

    def fresh(self, environment: dict[str, str], cwd: Path) -> None:
        """Make the kernel look new for the next chapter, working in ``cwd``."""
        self.ready()
        self._run(
            "import analysis.present.kernel_state as _ks\n"
            f"_ks.reset({json.dumps(environment)}, {json.dumps(str(cwd.resolve()))})\n"
            'get_ipython().run_line_magic("reset", "-f")\n'
            "get_ipython().execution_count = 1"
        )

    def close(self) -> None:
        try:
            if self.km.has_kernel:
                self.km.shutdown_kernel(now=True)
            if self._warm_client is not None:
                self._warm_client.stop_channels()
                self._warm_client = None
        finally:
            shutil.rmtree(self._sockets, ignore_errors=True)

    def __enter__(self) -> ChapterKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
