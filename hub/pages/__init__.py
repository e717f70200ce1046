"""Pages in the GOV.UK Design System's look: the web inbox and the data-quality report.

Jinja2 templates (autoescaped) under ``templates/``, the Design System's macros from
``govuk-frontend-jinja``, and its CSS, JavaScript and images from the ``govuk-frontend`` npm
package the install step fetches (``package.json``; ``assets.py`` finds it).
"""
