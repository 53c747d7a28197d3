const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
export const NS = {
    ds: 'http://www.w3.org/2000/09/xmldsig#',
    xenc: 'http://www.w3.org/2001/04/xmlenc#',
};
function isElement(node) {
    return node.nodeType === ELEMENT_NODE;
}
/** Direct element children, optionally filtered by namespace URI and local name. */
export function childElements(parent, namespace, localName) {
    const out = [];
    for (let node = parent.firstChild; node; node = node.nextSibling) {
        if (!isElement(node))
            continue;
        if (namespace !== undefined && node.namespaceURI !== namespace)
            continue;
        if (localName !== undefined && node.localName !== localName)
            continue;
        out.push(node);
    }
    return out;
}
/** The only direct child with that name, `null` if absent; throws when there are several. */
export function singleChild(parent, namespace, localName) {
    const found = childElements(parent, namespace, localName);
    if (found.length > 1)
        throw new Error(`more than one <${localName}> element`);
    return found[0] ?? null;
}
/** All descendant elements (document order) with that namespace and local name. */
export function descendants(root, namespace, localName) {
    const out = [];
    const walk = (node) => {
        for (let child = node.firstChild; child; child = child.nextSibling) {
            if (!isElement(child))
                continue;
            if (child.namespaceURI === namespace && child.localName === localName)
                out.push(child);
            walk(child);
        }
    };
    walk(root);
    return out;
}
/**
 * Text of an element made only of text. Comments, CDATA sections and child elements make it
 * ambiguous (VU#475445: `user@evil.com<!---->.victim.com` read by a parser that stops at the
 * comment), so they throw instead of being skipped or concatenated.
 */
export function strictText(element) {
    let text = '';
    for (let node = element.firstChild; node; node = node.nextSibling) {
        if (node.nodeType !== TEXT_NODE) {
            throw new Error(`<${element.localName}> must contain text only`);
        }
        text += node.nodeValue ?? '';
    }
    return text;
}
