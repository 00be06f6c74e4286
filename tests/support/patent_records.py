"""A patent and a transfer event of it, as the patent office's JSON Lines feed writes them."""

PATENT = {
    "application_no": "CN202310397744.0",
    "patent_type": "发明",
    "title": "一种制备方法",
    "application_date": "2023-04-14",
    "applicants": [{"name": "西南医科大学"}],
    "inventors": ["张某"],
    "updated_at": "2024-06-04T09:15:00+08:00",
}
EVENT = {
    "event_id": "TR01-202310397744.0-20240603",
    "application_no": "202310397744.0",
    "event_code": "TR01",
    "effective_date": "2024-05-20",
    "gazette_date": "2024-06-03",
    "before": [{"name": "西南医科大学"}],
    "after": [{"name": "泸县新材料有限公司"}],
}
