# Copyright: fastish maintainers
# Apache License 2.0 (see the collection's galaxy.yml)
# The work is done by the action plugin of the same name (plugins/action/validate_inventory.py);
# this file only documents it, the usual pattern for controller-only actions.

from __future__ import annotations

DOCUMENTATION = r"""
---
module: validate_inventory
short_description: Reject a bad fastish inventory before any AWS call
version_added: 0.1.0
description:
  - Checks the C(fastish_*) variables of the current host against a schema and the rules of the
    fastish platform, and compares the host with every other host of the inventory.
  - "Rules: unknown C(fastish_*) variables (with a \"did you mean\"), variables a release type
    requires, types (strings where booleans belong, unquoted account ids), patterns and choices,
    the account id format, known regions and release types, contributors, endpoint URLs that are
    neither loopback nor C(*.amazonaws.com), duplicate releases (same name prefix in one account),
    a second bootstrap host for an account and region, names over an AWS limit once prefixed, and
    overlapping C(fastish_vpc_cidr) blocks in one account and region."
  - Every message names the host, the variable and the fix. Values of secret variables (and of
    unknown variables) never appear in a message or in the result.
  - Runs on the controller only and never makes a network call. Use it through the
    C(validate_inventory) role (C(playbooks/validate.yml)), which passes the schema.
options:
  schema:
    description:
      - The variables of the platform, name -> rule. Rule keys are C(type) (str, bool, int, list,
        dict), C(fix) (required), C(required) (true or a list of release types), C(required_when),
        C(applies_to), C(choices), C(pattern), C(describe), C(min_length), C(max_length),
        C(format) (account_id, region, iam_role_arn, iam_principal_arn, endpoint_url, cidr),
        C(secret), C(computed), C(together), C(options) and C(unique) (list of mappings), C(level).
      - See C(roles/validate_inventory/vars/main.yml).
    type: dict
    required: true
  release_types:
    description:
      - Release type -> the names of that release that may not be shortened with a hash, as
        C([component, kind]) pairs or C({component, kind}) mappings. The keys are the valid
        values of C(fastish_release_type).
    type: dict
    required: true
  regions:
    description: The AWS regions C(fastish_region) may name.
    type: list
    elements: str
    required: true
  unknown_variables:
    description: What an unknown C(fastish_*) variable is.
    type: str
    choices: [error, warn]
    default: error
attributes:
  action:
    support: full
  async:
    support: none
  bypass_host_loop:
    support: none
  check_mode:
    support: full
  diff_mode:
    support: none
  platform:
    platforms: all
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.flow
notes:
  - >-
    Extra variables given as C(-e name=value) are always strings; pass booleans as JSON,
    C(-e '{"fastish_deletion_protection": false}').
seealso:
  - module: ansible.builtin.validate_argument_spec
author:
  - fastish maintainers
"""

EXAMPLES = r"""
- name: Validate the inventory
  fastish.platform.validate_inventory:
    schema: "{{ validate_inventory__schema }}"
    release_types: "{{ validate_inventory__release_types }}"
    regions: "{{ validate_inventory__regions }}"
    unknown_variables: warn

- name: A minimal schema
  fastish.platform.validate_inventory:
    schema:
      fastish_release_type:
        type: str
        required: true
        fix: set fastish_release_type on the host
    release_types:
      bootstrap: []
      webapp:
        - [auth, cognito_domain]
    regions: [us-east-1, eu-west-1]
"""

RETURN = r"""
msg:
  description: A one-line summary, or the header and every error, one per line.
  returned: always
  type: str
  sample: >-
    host 'acme-web-portal': the inventory is valid (webapp host, 19 fastish variables checked,
    3 other hosts compared)
errors:
  description: Every problem found, each naming the host, the variable and the fix.
  returned: failed
  type: list
  elements: str
  sample:
    - >-
      host 'acme-web-portal': fastish_account_id is '12345', not a 12-digit AWS account id.
      Fix: set fastish_account_id on the synthesizer group to its quoted 12-digit account id,
      e.g. "123456789012".
release_type:
  description: The host's C(fastish_release_type).
  returned: success
  type: str
  sample: webapp
warnings:
  description: Unknown variables when O(unknown_variables=warn).
  returned: when there are any
  type: list
  elements: str
"""
