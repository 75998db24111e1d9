# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
"""Action plugin fastish.platform.eks_kubeconfig: fills in, on the controller, the two paths the
kubeconfig's exec credential plugin needs, then runs the module of the same name.

- ``python``: the Python that runs Ansible (``sys.executable`` of the controller), which has botocore.
- ``token_script``: the absolute path of ``plugins/module_utils/eks_token.py`` in the installed
  collection. The module itself cannot know it: it runs from a temporary AnsiballZ payload.
"""

from __future__ import annotations

import os
import sys

from ansible.plugins.action import ActionBase
from ansible_collections.fastish.platform.plugins.module_utils import eks_token


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = dict(self._task.args)
        if not args.get("python"):
            args["python"] = sys.executable
        if not args.get("token_script"):
            args["token_script"] = os.path.abspath(eks_token.__file__)
        result.update(
            self._execute_module(
                module_name="fastish.platform.eks_kubeconfig", module_args=args, task_vars=task_vars
            )
        )
        return result
