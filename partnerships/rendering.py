"""How forms render: one field template for the whole product (label, input,
help and errors next to the field, wired together for screen readers)."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
