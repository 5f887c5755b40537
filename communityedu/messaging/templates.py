"""The text messages the product sends, as registered with the SMS provider.

Each template's text is the one registered in the provider's console (Tencent Cloud numbers the
variables ``{1}``, ``{2}``, …), so the file backend writes what the phone would show. Parameters
are named here and passed in the registered order. A message must fit one SMS: 70 characters,
the provider's signature 【…】 included, with every parameter at its longest
(``MAX_SIGN_NAME_LENGTH`` characters of signature); a test holds every template to it, and
``render`` refuses a parameter longer than its template allows.

Templates are kept in Chinese only: they are what the provider reviewed and registered, not a page
of the product, so they are not translated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SMS_MAX_LENGTH = 70  # one message; a longer one is split (and billed) in parts of 67
MAX_SIGN_NAME_LENGTH = 12


@dataclass(frozen=True)
class Parameter:
    name: str
    max_length: int


@dataclass(frozen=True)
class SmsTemplate:
    name: str
    text: str
    parameters: tuple[Parameter, ...]

    def ordered_values(self, params: dict[str, str]) -> list[str]:
        """The values in the registered order; ValueError for a missing, unknown or too long one."""
        expected = [parameter.name for parameter in self.parameters]
        if sorted(params) != sorted(expected):
            raise ValueError(f"SMS template {self.name} takes the parameters {expected}, not {sorted(params)}")
        values = []
        for parameter in self.parameters:
            value = str(params[parameter.name])
            if len(value) > parameter.max_length:
                raise ValueError(
                    f"SMS template {self.name}: {parameter.name} is {len(value)} characters, "
                    f"at most {parameter.max_length}"
                )
            values.append(value)
        return values

    def render(self, params: dict[str, str], *, sign_name: str = "") -> str:
        values = self.ordered_values(params)
        body = re.sub(r"\{(\d+)\}", lambda match: values[int(match.group(1)) - 1], self.text)
        return f"【{sign_name}】{body}" if sign_name else body

    def longest_length(self, *, sign_name_length: int = MAX_SIGN_NAME_LENGTH) -> int:
        """Characters of the message with every parameter at its longest and the longest signature."""
        longest = {parameter.name: "字" * parameter.max_length for parameter in self.parameters}
        return len(self.render(longest)) + sign_name_length + 2


PIN_RESET_CODE = SmsTemplate(
    name="pin_reset_code",
    text="您的验证码是{1}，{2}分钟内有效，用于重设社区学习账号的密码。如非本人操作，请忽略。",
    parameters=(Parameter("code", 6), Parameter("minutes", 2)),
)
ACTIVATION_CODE = SmsTemplate(
    name="activation_code",
    text="您的社区学习账号激活码是{1}，请在{2}前激活。也可到村学习中心办理。",
    parameters=(Parameter("code", 8), Parameter("expires_on", 11)),
)
ACTIVITY_REMINDER = SmsTemplate(
    name="activity_reminder",
    text="提醒：您报名的{1}将于{2}在{3}举行，请准时参加。",
    parameters=(Parameter("title", 12), Parameter("starts_at", 12), Parameter("place", 12)),
)

TEMPLATES: dict[str, SmsTemplate] = {
    template.name: template for template in (PIN_RESET_CODE, ACTIVATION_CODE, ACTIVITY_REMINDER)
}
