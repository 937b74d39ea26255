package dev.vigil.storage.backups;

import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/catalog/rebuild}: the catalog from the bucket's manifests (see {@link CatalogRebuild}). */
@RestController
@RequestMapping("/api/v1/catalog")
class CatalogController {

    private final CatalogRebuild rebuild;

    CatalogController(CatalogRebuild rebuild) {
        this.rebuild = rebuild;
    }

    @PostMapping("/rebuild")
    CatalogRebuild.Summary rebuild() {
        return rebuild.rebuild();
    }
}
