from gongkai.search import demo, engine
from gongkai.search.models import SearchDoc


def test_demo_loader_catches_up_the_index_and_is_idempotent(tree, publish):
    item = publish("党务公开目录", "本目录自公布之日起施行。")
    SearchDoc.objects.all().delete()
    demo.load()
    demo.load()
    assert SearchDoc.objects.count() == 1
    assert [h.item_id for h in engine.search(None, "党务公开").hits] == [item.pk]
