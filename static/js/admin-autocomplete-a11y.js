'use strict';
// Django's autocomplete fields (Select2) leave two gaps axe-core reports: the search
// box inside a multiple select has no accessible name, and the "clear all" button is
// a <span> directly inside the <ul> of chosen items. Select2 redraws both on every
// change, so they are mended whenever its markup changes.
{
    const labelOf = (select) => {
        const label = document.querySelector(`label[for="${select.id}"]`);
        return label ? label.textContent.replace(/[:：]\s*$/, '').trim() : '';
    };

    const mend = (select) => {
        const container = select.nextElementSibling;
        if (!container || !container.classList.contains('select2')) {
            return;
        }
        for (const field of container.querySelectorAll('.select2-search__field')) {
            if (!field.hasAttribute('aria-label')) {
                field.setAttribute('aria-label', labelOf(select));
            }
        }
        for (const list of container.querySelectorAll('ul.select2-selection__rendered')) {
            for (const child of Array.from(list.children)) {
                if (child.tagName !== 'LI') {
                    const item = document.createElement('li');
                    item.className = 'select2-selection__clear-item';
                    list.insertBefore(item, child);
                    item.appendChild(child);
                }
            }
        }
    };

    const mendAll = () => document.querySelectorAll('select.admin-autocomplete').forEach(mend);

    window.addEventListener('load', () => {
        mendAll();
        new MutationObserver(mendAll).observe(document.body, {childList: true, subtree: true});
    });
}
